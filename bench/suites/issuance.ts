import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from '../lib/load';
import type { BenchRow } from '../lib/report';
import { interleaved } from '../lib/runs';
import { json, managementHeaders, startCeilingProcess, startServiceProcess } from '../service-process';
import type { Suite } from './context';

/**
 * POST /api/v2/refresh-tokens at 1 and at 50 connections (each 201 waits for
 * its fsync'd append and for the local projection), beside the ceiling: a
 * bare route inserting one row per request with the same group commit.
 */
export const issuanceSuite: Suite = async (context) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rts-bench-issuance-'));
  const service = await startServiceProcess({}, { dataDir, nodeArgs: context.serviceNodeArgs });
  const ceiling = await startCeilingProcess(dataDir, {});
  const rows: BenchRow[] = [];
  try {
    const headers = await managementHeaders(service);
    const app = await json<{ client_id: string }>(
      await fetch(`${service.baseUrl}/api/v2/clients`, { method: 'POST', headers, body: JSON.stringify({ name: 'bench issuance', app_type: 'native' }) }),
    );
    let n = 0;
    const body = () => JSON.stringify({ client_id: app.client_id, user_id: `user-${n % 2000}`, device_name: `device ${n++}`, scope: 'openid offline_access' });
    for (const connections of [1, context.connections]) {
      context.progress(`issuance at ${connections} connection(s): service, then ceiling, ${context.runs} time(s) (${context.duration} s each)`);
      const common = { connections, duration: context.duration, body, expectStatus: 201 };
      const { ours, ceiling: bare } = await interleaved(
        context.runs,
        async () => {
          await load({ ...common, url: `${service.baseUrl}/api/v2/refresh-tokens`, headers, duration: 1 });
          return load({ ...common, url: `${service.baseUrl}/api/v2/refresh-tokens`, headers, pid: service.child.pid });
        },
        async () => {
          await load({ ...common, url: `${ceiling.baseUrl}/issue`, duration: 1 });
          return load({ ...common, url: `${ceiling.baseUrl}/issue` });
        },
      );
      rows.push({
        suite: 'issuance',
        name: `POST /api/v2/refresh-tokens, ${connections} conn.`,
        unit: 'req/s',
        higherIsBetter: true,
        ours,
        ceiling: bare,
        ceilingIs: 'bare route, one group-committed fsynced SQLite insert per request',
        target: connections > 1 ? '≥ 2,000/s' : undefined,
        note: ours.failures + bare.failures > 0 ? `${ours.failures} of ${ours.total} (ours) and ${bare.failures} of ${bare.total} (ceiling) answers were not 201` : undefined,
      });
    }
    return rows;
  } finally {
    await Promise.all([service.stop(), ceiling.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
};
