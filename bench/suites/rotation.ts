import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { familyLoad } from '../lib/family-load';
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
 * and gives back its successor (bench/lib/family-load.ts: one worker per
 * family, so `connections` families, each presenting its last successor). Beside the ceiling's /rotate: a bare route
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
    const families = context.connections;
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
    const ceiling = await startCeilingProcess(dataDir, { [app.client_id]: 'ES256' });
    try {
      const body = (token: string): string => JSON.stringify({ grant_type: 'refresh_token', client_id: app.client_id, refresh_token: token });
      // The successor replaces the family's token; a refusal keeps it (and counts as a failure).
      const next = (status: number, answer: string): string | undefined =>
        status === 200 ? (JSON.parse(answer) as { refresh_token?: string }).refresh_token : undefined;
      // The ceiling answers any token: its families are copies, so ours keep their own chain.
      const ceilingFamilies = [...tokens];
      const run = (url: string, duration: number, families: string[], pid?: number) => familyLoad({ url, duration, families, body, next, pid });
      context.progress(`rotation at ${context.connections} connections: service, then ceiling, ${context.runs} time(s) (${context.duration} s each)`);
      const { ours, ceiling: bare } = await interleaved(
        context.runs,
        async () => {
          await run(`${service.baseUrl}/oauth/token`, 1, tokens);
          return run(`${service.baseUrl}/oauth/token`, context.duration, tokens, service.child.pid);
        },
        async () => {
          await run(`${ceiling.baseUrl}/rotate`, 1, ceilingFamilies);
          return run(`${ceiling.baseUrl}/rotate`, context.duration, ceilingFamilies, ceiling.child.pid);
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
