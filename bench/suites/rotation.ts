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
 * and gives back its successor. autocannon builds a request before it sends
 * it and drops the last ones unanswered when a run ends, so every run starts
 * with every family free again; the client's leeway (60 s) lets a family
 * whose answer was dropped present its last token again without a reuse. Beside the ceiling's /rotate: a bare route
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
          refresh_token: { rotation_type: 'rotating', expiration_type: 'expiring', leeway: 60, token_lifetime: 2592000, idle_token_lifetime: 1296000 },
        }),
      }),
    );
    // Twice the connections: a family is always free when a connection asks for one.
    const families = context.connections * 2;
    context.progress(`rotation: issuing ${families} families`);
    const tokens: string[] = [];
    for (let i = 0; i < families; i++) {
      const issued = await json<{ refresh_token: string }>(
        await fetch(`${service.baseUrl}/api/v2/refresh-tokens`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ client_id: app.client_id, user_id: `user-${i}`, device_name: `device ${i}`, scope: 'openid offline_access' }),
        }),
      );
      tokens.push(issued.refresh_token);
    }
    let free: number[] = [];
    const ceiling = await startCeilingProcess(dataDir, { [app.client_id]: 'ES256' });
    try {
      const body = (requestContext: Record<string, unknown>): string => {
        const family = free.pop();
        if (family === undefined) throw new Error('rotation bench: no free family (more requests in flight than families)');
        requestContext.family = family;
        return JSON.stringify({ grant_type: 'refresh_token', client_id: app.client_id, refresh_token: tokens[family] });
      };
      // The family's successor replaces its token; a refused exchange keeps the token (counted as a failure).
      const onResponse = (status: number, answer: string, requestContext: Record<string, unknown>): void => {
        const family = requestContext.family as number;
        const successor = status === 200 ? (JSON.parse(answer) as { refresh_token?: string }).refresh_token : undefined;
        if (successor !== undefined) tokens[family] = successor;
        free.push(family);
      };
      const run = (url: string, duration: number, pid?: number) => {
        free = tokens.map((_, i) => i);
        return load({ connections: context.connections, duration, body, onResponse, url, pid });
      };
      context.progress(`rotation at ${context.connections} connections: service, then ceiling, ${context.runs} time(s) (${context.duration} s each)`);
      const { ours, ceiling: bare } = await interleaved(
        context.runs,
        async () => {
          await run(`${service.baseUrl}/oauth/token`, 1);
          return run(`${service.baseUrl}/oauth/token`, context.duration, service.child.pid);
        },
        async () => {
          await run(`${ceiling.baseUrl}/rotate`, 1);
          return run(`${ceiling.baseUrl}/rotate`, context.duration, ceiling.child.pid);
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
