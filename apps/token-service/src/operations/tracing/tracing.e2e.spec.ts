/**
 * OpenTelemetry traces through the real entry point run as a process:
 * off by default with no OpenTelemetry package loaded; on (OTEL_EXPORTER_OTLP_ENDPOINT)
 * the spans of a refresh at /oauth/token reach a real OTLP/HTTP receiver on
 * the graceful shutdown, one trace per request, without a token or secret in them.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EntryProcess } from '../../../../../tools/support/entry-process';
import { startCluster } from '../../../../../test/support/cluster-service';
import { clientCredentialsToken, createClient, expectStatus, issueRefreshToken, type ServiceHandle } from '../../../../../test/support/fixtures';
import { HttpClient } from '../../../../../test/support/http-client';
import { OtlpReceiver, type ReceivedSpan } from '../../../../../test/support/otlp-receiver';
import { freePort, tempDir, uniqueId } from '../../../../../test/support/token-service';

jest.setTimeout(120_000);

const MANAGEMENT_CLIENT_ID = 'tracing-e2e-management';
const MANAGEMENT_CLIENT_SECRET = 'tracing-e2e-management-secret-0123456789abcdef';
const RECORDER = join(__dirname, '..', '..', '..', '..', '..', 'test', 'support', 'record-module-loads.js');
const SERVER = 2;
const PRODUCER = 4;

/** No OTEL_* of the environment running the tests reaches the service unless a test sets it. */
const NO_OTEL = Object.fromEntries(Object.keys(process.env).filter((name) => name.startsWith('OTEL_')).map((name) => [name, undefined]));

interface Started {
  service: EntryProcess;
  svc: ServiceHandle;
  port: number;
  /** Where the process writes the files it loaded, at exit. */
  modulesFile: string;
}

async function startService(root: string, env: Record<string, string | undefined>): Promise<Started> {
  const port = await freePort();
  const issuer = `http://localhost:${port}/`;
  const modulesFile = join(root, `modules-${port}.json`);
  const service = new EntryProcess('token-service', {
    ...NO_OTEL,
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER: issuer,
    DATA_DIR: join(root, `data-${port}`),
    EVENT_STORE: 'sqlite',
    EVENTSTORE_CONNECTION_STRING: undefined,
    MANAGEMENT_CLIENT_ID,
    MANAGEMENT_CLIENT_SECRET,
    LOG_LEVEL: 'warn',
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${RECORDER}`.trim(),
    RECORD_MODULE_LOADS_TO: modulesFile,
    ...env,
  });
  await service.waitForOutput(/token-service listening on/, 60_000);
  const http = new HttpClient(`http://127.0.0.1:${port}/`);
  const managementAudience = `${issuer}api/v2/`;
  const token = await clientCredentialsToken({ http, managementAudience, managementToken: async () => '' }, MANAGEMENT_CLIENT_ID, MANAGEMENT_CLIENT_SECRET);
  return { service, port, modulesFile, svc: { http, managementAudience, managementToken: async () => token } };
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** A confidential client, a refresh token, and a refresh at /oauth/token with client_secret_basic: every secret the service handles. */
async function refreshFlow(svc: ServiceHandle) {
  const client = await createClient(svc, { app_type: 'regular_web' });
  const issued = await issueRefreshToken(svc, { client_id: client.client_id });
  const authorization = basic(client.client_id, client.client_secret!);
  const refreshed = await svc.http.post<{ id_token: string; access_token: string }>('/oauth/token', {
    form: { grant_type: 'refresh_token', refresh_token: issued.refresh_token },
    headers: { authorization },
  });
  expectStatus(refreshed, 200, 'refresh at /oauth/token');
  return { client, issued, authorization, idToken: refreshed.body.id_token, accessToken: refreshed.body.access_token };
}

const loadedFiles = (file: string): string[] => JSON.parse(readFileSync(file, 'utf8')) as string[];

describe('OpenTelemetry traces of the token-service process', () => {
  const root = tempDir('tracing-e2e-');
  const running: EntryProcess[] = [];
  afterAll(async () => {
    for (const p of running) await p.stop('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('off by default: a refresh is served and no OpenTelemetry package is ever loaded', async () => {
    const { service, svc, modulesFile } = await startService(root, {});
    running.push(service);
    await refreshFlow(svc);
    expect(await service.stop('SIGTERM')).toBe(0);

    const files = loadedFiles(modulesFile);
    // The recorder saw the service itself (so an empty list cannot pass for "nothing loaded").
    expect(files.some((f) => f.includes('/node_modules/fastify/'))).toBe(true);
    expect(files.some((f) => f.includes('/libs/tracing/src/spans.ts'))).toBe(true);
    // Not the SDK, the exporter, the instrumentation nor our start of them. (@opentelemetry/api, the no-op
    // API alone, is loaded whatever tracing says: prom-client requires it for exemplars.)
    const openTelemetry = files.filter((f) => f.includes('/node_modules/@opentelemetry/') && !f.includes('/node_modules/@opentelemetry/api/'));
    expect(openTelemetry).toEqual([]);
    expect(files.filter((f) => f.includes('/libs/tracing/src/tracing-sdk.ts'))).toEqual([]);
  });

  it('refuses a bad OTEL_* value in one line, exit 78, without repeating a header value', async () => {
    const refused = new EntryProcess('token-service', {
      ...NO_OTEL,
      DATA_DIR: join(root, 'refused'),
      PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=sekrit-value,no-equals-sign',
    });
    running.push(refused);
    expect(await refused.exitCode()).toBe(78);
    expect(refused.output).toBe(
      'token-service refused to start: OTEL_EXPORTER_OTLP_HEADERS: OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs separated by commas, values percent-encoded\n',
    );
  });

  describe('on (OTEL_EXPORTER_OTLP_ENDPOINT, http/json)', () => {
    let receiver: OtlpReceiver;
    let started: Started;
    let flow: Awaited<ReturnType<typeof refreshFlow>>;
    let spans: ReceivedSpan[];

    beforeAll(async () => {
      receiver = await OtlpReceiver.start();
      started = await startService(root, {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=tracing-e2e',
        // Nothing is exported before the shutdown: what the receiver gets, the SIGTERM flush sent.
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        KAFKA_BROKERS: process.env.KAFKA_BROKERS,
        KAFKA_REVOCATIONS_TOPIC: uniqueId('tracing-e2e-revocations'),
        EMBEDDED_RELAY: 'true',
      });
      running.push(started.service);
      const { svc } = started;
      flow = await refreshFlow(svc);
      // A token sent where it never belongs, in the query string, under the name a client would use.
      await svc.http.post('/oauth/token', { query: { refresh_token: flow.issued.refresh_token }, form: { grant_type: 'refresh_token' }, headers: { authorization: flow.authorization } });
      // A revocation the embedded relay sends to Kafka (RFC 7009, the secret in the body this time).
      const revoked = await svc.http.post('/oauth/revoke', { form: { client_id: flow.client.client_id, client_secret: flow.client.client_secret, token: flow.issued.refresh_token } });
      expectStatus(revoked, 200, 'revoke');
      await waitForPublished(svc.http, 1);
      // Probes and scrapes (waitForPublished read /metrics too) are not traced.
      expectStatus(await svc.http.get('/health/live'), 200, 'liveness');

      expect(receiver.bodies).toEqual([]);
      expect(await started.service.stop('SIGTERM')).toBe(0);
      spans = receiver.spans();
    }, 120_000);
    afterAll(async () => {
      await receiver?.close();
    });

    it('loads the HTTP instrumentation before Fastify (it patches http as Fastify requires it)', () => {
      const files = loadedFiles(started.modulesFile);
      const instrumentation = files.findIndex((f) => f.includes('/node_modules/@opentelemetry/instrumentation-http/'));
      const fastify = files.findIndex((f) => f.includes('/node_modules/fastify/'));
      expect(instrumentation).toBeGreaterThanOrEqual(0);
      expect(fastify).toBeGreaterThan(instrumentation);
    });

    it('exports on SIGTERM, with the configured headers, as refresh-token-service', () => {
      expect(receiver.bodies.length).toBeGreaterThan(0);
      expect(receiver.headers[0]).toMatchObject({ 'content-type': 'application/json', 'x-collector-key': 'tracing-e2e' });
      expect(new Set(spans.map((s) => s.serviceName))).toEqual(new Set(['refresh-token-service']));
    });

    it('traces the refresh as a server span named after its route, with the read-model lookup and the id_token signing as its children', () => {
      // Two answered 200 there: the management client's client_credentials at start, and the refresh (which reads a refresh token).
      const lookups = spans.filter((s) => s.name === 'read-model lookup by token hash');
      const servers = spans.filter((s) => s.kind === SERVER && s.attributes['http.route'] === '/oauth/token' && s.attributes['http.response.status_code'] === 200);
      expect(servers).toHaveLength(2);
      const refreshes = servers.filter((server) => lookups.some((lookup) => lookup.traceId === server.traceId));
      expect(refreshes).toHaveLength(1);
      const [server] = refreshes;
      expect(server.name).toBe('POST /oauth/token');
      expect(server.attributes).toMatchObject({ 'http.request.method': 'POST', 'url.path': '/oauth/token' });
      const children = spans.filter((s) => s.traceId === server.traceId && s.parentSpanId === server.spanId);
      expect(children.map((s) => s.name).sort()).toEqual(['read-model lookup by token hash', 'sign id_token']);
      expect(children.find((s) => s.name === 'read-model lookup by token hash')!.attributes).toEqual({ 'read_model.found': true, 'read_model.caught_up': false });
      expect(children.find((s) => s.name === 'sign id_token')!.attributes).toMatchObject({ 'jwt.alg': 'RS256', 'jwt.kid': expect.any(String) });
    });

    it('traces the issuance with its event-store append, in the request trace', () => {
      const [server] = spans.filter((s) => s.kind === SERVER && s.name === 'POST /api/v2/refresh-tokens');
      expect(server.attributes).toMatchObject({ 'http.route': '/api/v2/refresh-tokens', 'http.response.status_code': 201 });
      const appends = spans.filter((s) => s.traceId === server.traceId && s.name === 'event-store append');
      expect(appends.map((s) => s.attributes)).toContainEqual(
        expect.objectContaining({ 'db.system.name': 'sqlite', 'event_store.stream_category': 'refreshToken', 'event_store.event_types': 'RefreshTokenIssued', 'event_store.event_count': 1 }),
      );
    });

    it("traces the relay's Kafka send as a producer span", () => {
      const sends = spans.filter((s) => s.kind === PRODUCER && s.attributes['messaging.system'] === 'kafka');
      expect(sends.length).toBeGreaterThan(0);
      expect(sends[0].attributes).toMatchObject({ 'messaging.batch.message_count': 1, 'messaging.destination.name': expect.stringMatching(/^tracing-e2e-revocations-/) });
    });

    it('records a query string as REDACTED and no probe', () => {
      const queried = spans.filter((s) => s.kind === SERVER && s.attributes['url.query'] !== undefined);
      expect(queried.map((s) => s.attributes['url.query'])).toEqual(['REDACTED']);
      const paths = spans.filter((s) => s.kind === SERVER).map((s) => String(s.attributes['url.path']));
      expect(paths).toContain('/oauth/revoke');
      expect(paths.filter((path) => path.startsWith('/health') || path === '/metrics')).toEqual([]);
    });

    it('exports no token, secret or Authorization header anywhere', () => {
      const exported = receiver.bodies.join('\n');
      const secrets = {
        refreshToken: flow.issued.refresh_token,
        clientSecret: flow.client.client_secret!,
        managementSecret: MANAGEMENT_CLIENT_SECRET,
        basicCredentials: flow.authorization.slice('Basic '.length),
        idToken: flow.idToken,
        accessToken: flow.accessToken,
      };
      for (const [what, value] of Object.entries(secrets)) expect({ what, found: exported.includes(value) }).toEqual({ what, found: false });
      // Nor a piece of one: the token's secret part alone (after its prefix), the id_token's signature.
      expect(exported).not.toContain(flow.issued.refresh_token.slice(-20));
      expect(exported).not.toContain(flow.idToken.split('.')[2]);
      expect(exported.toLowerCase()).not.toContain('authorization');
    });
  });
});

describe('OpenTelemetry traces of a cluster (WORKERS=2)', () => {
  const dataDir = tempDir('tracing-cluster-e2e-');
  let receiver: OtlpReceiver;
  let cluster: EntryProcess | undefined;
  afterAll(async () => {
    await cluster?.stop('SIGKILL');
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts tracing in both workers before their Fastify, never in the primary, and flushes when the primary stops them', async () => {
    receiver = await OtlpReceiver.start();
    const started = await startCluster({
      dataDir,
      managementClientId: MANAGEMENT_CLIENT_ID,
      managementClientSecret: MANAGEMENT_CLIENT_SECRET,
      env: {
        ...NO_OTEL,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        LOG_LEVEL: 'warn',
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${RECORDER}`.trim(),
        RECORD_MODULE_LOADS_TO: join(dataDir, 'modules-%p.json'),
      } as Record<string, string>,
    });
    cluster = started.service;
    const { client } = await refreshFlow(started.svc);
    expect(client.client_id).toBeDefined();
    expect(await cluster.stop('SIGTERM')).toBe(0);

    const spans = receiver.spans();
    const refreshes = spans.filter((s) => s.kind === SERVER && s.name === 'POST /oauth/token');
    expect(refreshes.length).toBeGreaterThan(0);
    expect(spans.filter((s) => s.name === 'sign id_token').length).toBeGreaterThan(0);
    expect(new Set(spans.map((s) => s.serviceName))).toEqual(new Set(['refresh-token-service']));
    expect(spans.filter((s) => s.pid === cluster!.pid)).toEqual([]);

    const recorded = readdirSync(dataDir).filter((name) => /^modules-\d+\.json$/.test(name));
    const primary = `modules-${cluster.pid}.json`;
    expect(recorded).toContain(primary);
    const workers = recorded.filter((name) => name !== primary);
    expect(workers).toHaveLength(2);
    expect(loadedFiles(join(dataDir, primary)).filter((f) => f.includes('/node_modules/@opentelemetry/sdk-trace-node/'))).toEqual([]);
    for (const worker of workers) {
      const files = loadedFiles(join(dataDir, worker));
      const instrumentation = files.findIndex((f) => f.includes('/node_modules/@opentelemetry/instrumentation-http/'));
      expect({ worker, instrumentation: instrumentation >= 0 }).toEqual({ worker, instrumentation: true });
      expect(files.findIndex((f) => f.includes('/node_modules/fastify/'))).toBeGreaterThan(instrumentation);
    }
  });
});

/** Polls /metrics until the embedded relay has published `count` revocations. */
async function waitForPublished(http: HttpClient, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const metrics = await http.get('/metrics');
    const published = /^revocation_relay_published(?:\{[^}]*\})? (\d+)/m.exec(metrics.text);
    if (published && Number(published[1]) >= count) return;
    if (Date.now() > deadline) throw new Error(`the relay published fewer than ${count} revocations:\n${metrics.text.slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
