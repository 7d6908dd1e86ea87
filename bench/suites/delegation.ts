import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, type LoadResult } from '../lib/load';
import type { BenchRow } from '../lib/report';
import { interleaveBy, rotator } from '../lib/rotator';
import { interleaved } from '../lib/runs';
import { seedRefreshTokens } from '../lib/seed';
import { json, managementHeaders, startCeilingProcess, startServiceProcess, waitForStatus, type BenchProcess } from '../service-process';
import { MB, type Suite, type SuiteContext } from './context';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const ENDPOINTS = [
  {
    name: 'POST /delegation',
    path: '/delegation',
    body: (clientId: string, token: string) => JSON.stringify({ client_id: clientId, grant_type: JWT_BEARER, refresh_token: token, scope: 'openid' }),
  },
  {
    name: 'POST /oauth/token refresh',
    path: '/oauth/token',
    body: (clientId: string, token: string) => JSON.stringify({ grant_type: 'refresh_token', client_id: clientId, refresh_token: token }),
  },
] as const;

/** A short unmeasured run first (JIT, connections, caches), then the measured one. */
async function warmThenLoad(context: SuiteContext, target: BenchProcess, path: string, body: () => string): Promise<LoadResult> {
  const common = { url: `${target.baseUrl}${path}`, connections: context.connections, body, pid: target.child.pid };
  await load({ ...common, duration: Math.max(1, Math.round(context.duration / 5)) });
  return load({ ...common, duration: context.duration });
}

/**
 * `/delegation` and the `/oauth/token` refresh grant per algorithm, the
 * service beside the bare-route ceiling, 50 connections, requests rotating
 * over `credentials` valid tokens of `users` users (seeded through the
 * event-store port, then projected by the service's own start).
 */
export const delegationSuite: Suite = async (context) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rts-bench-delegation-'));
  let service = await startServiceProcess({}, { dataDir });
  const clients: Record<string, string> = {};
  try {
    const headers = await managementHeaders(service);
    for (const alg of context.algs) {
      const client = await json<{ client_id: string }>(
        await fetch(`${service.baseUrl}/api/v2/clients`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ name: `bench ${alg}`, app_type: 'native', jwt_configuration: { alg, lifetime_in_seconds: 36000 } }),
        }),
      );
      clients[client.client_id] = alg;
    }
  } finally {
    await service.stop();
  }
  const clientIds = Object.keys(clients);
  context.progress(`seeding ${context.credentials.toLocaleString('en-US')} credentials of ${context.users.toLocaleString('en-US')} users`);
  let started = performance.now();
  const tokens = await seedRefreshTokens(dataDir, context.credentials, (i) => ({ clientId: clientIds[i % clientIds.length], userId: `user-${i % context.users}` }));
  context.progress(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s; starting the service (projects them)`);
  started = performance.now();
  service = await startServiceProcess({ WORKERS: String(context.serviceWorkers) }, { dataDir, nodeArgs: context.serviceNodeArgs });
  const ceiling = await startCeilingProcess(dataDir, clients);
  const rows: BenchRow[] = [];
  try {
    await waitForStatus(`${service.baseUrl}/health/ready`);
    context.progress(`service ready after ${((performance.now() - started) / 1000).toFixed(1)} s`);
    // Right after its start (and the projection of every credential) the service is still compiling its hot
    // code and collecting the start's garbage: measured at once, the first figure read a fraction of the later
    // ones (CPU per answer several times higher). One unmeasured run of a full duration on each side first.
    const [firstClient] = Object.keys(clients);
    const firstTokens = rotator(tokens.filter((t) => t.clientId === firstClient).map((t) => t.refreshToken));
    for (const target of [service, ceiling]) {
      await load({ url: `${target.baseUrl}/delegation`, connections: context.connections, duration: context.duration, body: () => ENDPOINTS[0].body(firstClient, firstTokens()) });
    }
    let serviceRss = 0;
    let ceilingRss = 0;
    for (const [clientId, alg] of Object.entries(clients)) {
      const mine = interleaveBy(tokens.filter((t) => t.clientId === clientId), (t) => t.userId).map((t) => t.refreshToken);
      for (const endpoint of ENDPOINTS) {
        // Fails fast on a wrong setup rather than measuring 4xx answers.
        for (const target of [service, ceiling]) {
          await json(await fetch(`${target.baseUrl}${endpoint.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: endpoint.body(clientId, mine[0]) }));
        }
        context.progress(`${endpoint.name} ${alg}: service, then ceiling, ${context.runs} time(s) (${context.duration} s each)`);
        const nextToken = rotator(mine);
        const { ours, ceiling: bare } = await interleaved(
          context.runs,
          () => warmThenLoad(context, service, endpoint.path, () => endpoint.body(clientId, nextToken())),
          () => warmThenLoad(context, ceiling, endpoint.path, () => endpoint.body(clientId, nextToken())),
        );
        serviceRss = Math.max(serviceRss, ours.peakRss ?? 0);
        ceilingRss = Math.max(ceilingRss, bare.peakRss ?? 0);
        const failures = ours.failures + bare.failures;
        const cpu =
          ours.cpuPerAnswerUs !== undefined && bare.cpuPerAnswerUs !== undefined
            ? `CPU per answer ${Math.round(ours.cpuPerAnswerUs)} µs (ours), ${Math.round(bare.cpuPerAnswerUs)} µs (ceiling): ${(bare.cpuPerAnswerUs / ours.cpuPerAnswerUs).toFixed(2)}×`
            : undefined;
        rows.push({
          suite: 'delegation',
          name: `${endpoint.name} ${alg}${context.serviceWorkers > 1 ? ` WORKERS=${context.serviceWorkers}` : ''}`,
          unit: 'req/s',
          higherIsBetter: true,
          ours,
          ceiling: bare,
          ceilingIs: 'bare Fastify route signing the same claims with the same key through jose (SignJWT, the key imported once)',
          target: endpoint.path === '/delegation' ? (alg === 'ES256' ? '≥ 1.2× (≥ 0.9×), p99 ≤ 1.25×' : '≥ 0.9×, p99 ≤ 1.25×') : undefined,
          note: [cpu, failures > 0 ? `${ours.failures} of ${ours.total} (ours) and ${bare.failures} of ${bare.total} (ceiling) answers were not 200` : undefined].filter(Boolean).join('; ') || undefined,
        });
      }
    }
    // The prepared signer alone: the same bare route, signing through it rather than jose
    // (ES256 and EdDSA: with RS256 the RSA operation itself dominates either way).
    for (const [clientId, alg] of Object.entries(clients).filter(([, a]) => a !== 'RS256')) {
      const nextToken = rotator(tokens.filter((t) => t.clientId === clientId).map((t) => t.refreshToken));
      const body = () => ENDPOINTS[0].body(clientId, nextToken());
      context.progress(`bare route, prepared signer vs jose, ${alg}: ${context.runs} time(s) (${context.duration} s each)`);
      const { ours, ceiling: bare } = await interleaved(
        context.runs,
        () => warmThenLoad(context, ceiling, '/delegation/prepared', body),
        () => warmThenLoad(context, ceiling, '/delegation', body),
      );
      rows.push({
        suite: 'delegation',
        name: `bare route + prepared signer ${alg}`,
        unit: 'req/s',
        higherIsBetter: true,
        ours,
        ceiling: bare,
        note: ours.cpuPerAnswerUs !== undefined && bare.cpuPerAnswerUs !== undefined ? `CPU per answer ${Math.round(ours.cpuPerAnswerUs)} µs (prepared), ${Math.round(bare.cpuPerAnswerUs)} µs (jose)` : undefined,
      });
    }
    rows.push({
      suite: 'delegation',
      name: 'service RSS under load (peak)',
      unit: 'MB',
      higherIsBetter: false,
      ours: { value: serviceRss / MB },
      ceiling: { value: ceilingRss / MB },
      note: `${context.credentials.toLocaleString('en-US')} valid credentials in the read model`,
    });
    return rows;
  } finally {
    await Promise.all([service.stop(), ceiling.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
};
