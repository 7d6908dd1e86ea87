import { createClient, issueRefreshToken } from '../../../../../test/support/fixtures';
import { ADAPTERS, REAL_EVENTSTOREDB_CONNECTION_STRING, startTokenService, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

interface HealthBody {
  status: 'ok' | 'error';
  details: Record<string, { status: 'up' | 'down'; [k: string]: unknown }>;
}

describe.each(ADAPTERS)('operations endpoints (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  beforeAll(async () => {
    svc = await startTokenService({ adapter });
  });
  afterAll(async () => {
    await svc?.close();
  });

  it('GET /health/live answers 200 while the process runs', async () => {
    const r = await svc.http.get<HealthBody>('/health/live');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ok');
  });

  it('GET /health/ready reports the event store, the projection (caught up, no lag) and the relay', async () => {
    const r = await svc.http.get<HealthBody>('/health/ready');
    expect(r.status).toBe(200);
    expect(r.body.details.event_store).toMatchObject({ status: 'up', kind: adapter });
    expect(r.body.details.projection).toMatchObject({ status: 'up', state: 'live', lag: 0 });
    expect(r.body.details.revocation_relay.status).toBe('up');
  });

  it('GET /metrics exposes request latency by route and the projection position in Prometheus text format', async () => {
    const app = await createClient(svc, { app_type: 'native' });
    await issueRefreshToken(svc, { client_id: app.client_id });
    const r = await svc.http.get('/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.text).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/api\/v2\/refresh-tokens",status="201"\} [1-9]/);
    const position = Number(/^projection_position (\d+)/m.exec(r.text)?.[1]);
    expect(position).toBeGreaterThan(0);
    expect(r.text).toMatch(/^projection_lag 0$/m);
  });

  it('never puts a token or secret in the metrics', async () => {
    const app = await createClient(svc, { app_type: 'native' });
    const issued = await issueRefreshToken(svc, { client_id: app.client_id });
    const r = await svc.http.get('/metrics');
    expect(r.text).not.toContain(issued.refresh_token);
    expect(r.text).not.toContain(svc.managementClientSecret);
  });
});

if (!REAL_EVENTSTOREDB_CONNECTION_STRING) {
  describe('readiness during an EventStoreDB outage (test double)', () => {
    let svc: TokenServiceUnderTest;
    beforeAll(async () => {
      svc = await startTokenService({ adapter: 'eventstoredb' });
    });
    afterAll(async () => {
      await svc?.close();
    });

    it('is 503 with the event store down while liveness stays 200, and ready again when it returns', async () => {
      await svc.double!.stop();
      try {
        const down = await svc.http.get<HealthBody>('/health/ready');
        expect(down.status).toBe(503);
        expect(down.body.details.event_store.status).toBe('down');
        expect((await svc.http.get('/health/live')).status).toBe(200);
      } finally {
        await svc.double!.start();
      }
      const deadline = Date.now() + 20_000;
      let status = 0;
      while (Date.now() < deadline && status !== 200) {
        status = (await svc.http.get('/health/ready')).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(status).toBe(200);
    });
  });
}
