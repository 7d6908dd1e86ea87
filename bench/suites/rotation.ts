import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from '../lib/load';
import type { BenchRow } from '../lib/report';
import { interleaved } from '../lib/runs';
import { json, managementHeaders, startCeilingProcess, startServiceProcess } from '../service-process';
import type { Suite } from './context';

/**
 * The rotating refresh grant (`POST /oauth/token`, a client whose policy
 * rotates): every answer is a durable write (the family's rotation, appended
 * with its expected revision and group-committed) and carries the successor,
 * which the next request of that family presents. Each family is used by one
 * request at a time, as one app would: a pool of families, a request takes one
 * and gives back its successor. Beside the ceiling's /rotate: a bare route
 * doing a rotation's unavoidable work (two hashes, one group-committed row,
 * the id_token and access token), ES256.
 */
export const rotationSuite: Suite = async (context) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rts-bench-rotation-'));
  const service = await startServiceProcess({}, { dataDir, nodeArgs: context.serviceNodeArgs });
  const rows: BenchRow[] = [];
  try {
    const headers = await managementHeaders(service);
    const app = await json<{ client_id: string }>(
      await fetch(`${service.baseUrl}/api/v2/clients`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          name: 'bench rotation',
          app_type: 'native',
          jwt_configuration: { alg: 'ES256', lifetime_in_seconds: 36000 },
          refresh_token: { rotation_type: 'rotating', expiration_type: 'expiring', leeway: 0, token_lifetime: 2592000, idle_token_lifetime: 1296000 },
        }),
      }),
    );
    // Twice the connections: a family is always free when a connection asks for one.
    const families = context.connections * 2;
    context.progress(`rotation: issuing ${families} families`);
    const pool: string[] = [];
    for (let i = 0; i < families; i++) {
      const issued = await json<{ refresh_token: string }>(
        await fetch(`${service.baseUrl}/api/v2/refresh-tokens`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ client_id: app.client_id, user_id: `user-${i}`, device_name: `device ${i}`, scope: 'openid offline_access' }),
        }),
      );
      pool.push(issued.refresh_token);
    }
    const ceiling = await startCeilingProcess(dataDir, { [app.client_id]: 'ES256' });
    try {
      const body = (requestContext: Record<string, unknown>): string => {
        const token = pool.shift();
        if (token === undefined) throw new Error('rotation bench: no free family (more requests in flight than families)');
        requestContext.token = token;
        return JSON.stringify({ grant_type: 'refresh_token', client_id: app.client_id, refresh_token: token });
      };
      // A successor goes back to the pool; a refused exchange gives its token back (counted as a failure).
      const onResponse = (status: number, answer: string, requestContext: Record<string, unknown>): void => {
        const successor = status === 200 ? (JSON.parse(answer) as { refresh_token?: string }).refresh_token : undefined;
        pool.push(successor ?? (requestContext.token as string));
      };
      context.progress(`rotation at ${context.connections} connections: service, then ceiling, ${context.runs} time(s) (${context.duration} s each)`);
      const common = { connections: context.connections, duration: context.duration, body, onResponse };
      const { ours, ceiling: bare } = await interleaved(
        context.runs,
        async () => {
          await load({ ...common, url: `${service.baseUrl}/oauth/token`, duration: 1 });
          return load({ ...common, url: `${service.baseUrl}/oauth/token`, pid: service.child.pid });
        },
        async () => {
          await load({ ...common, url: `${ceiling.baseUrl}/rotate`, duration: 1 });
          return load({ ...common, url: `${ceiling.baseUrl}/rotate`, pid: ceiling.child.pid });
        },
      );
      rows.push({
        suite: 'rotation',
        name: `POST /oauth/token rotating refresh ES256, ${context.connections} conn.`,
        unit: 'req/s',
        higherIsBetter: true,
        ours,
        ceiling: bare,
        ceilingIs: 'bare route: hash, successor, one group-committed fsynced SQLite row, id_token and access token (jose)',
        target: '≥ 1,500/s',
        note: ours.failures + bare.failures > 0 ? `${ours.failures} of ${ours.total} (ours) and ${bare.failures} of ${bare.total} (ceiling) answers were not 200` : undefined,
      });
    } finally {
      await ceiling.stop();
    }
    return rows;
  } finally {
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};
