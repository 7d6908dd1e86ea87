import { randomBytes } from 'node:crypto';
import { startTokenService, type TokenServiceUnderTest } from '../../../../../test/support/token-service';

describe('/metrics restricted by METRICS_TOKEN (sqlite)', () => {
  const token = randomBytes(32).toString('base64url');
  let svc: TokenServiceUnderTest;
  beforeAll(async () => {
    svc = await startTokenService({ adapter: 'sqlite', env: { METRICS_TOKEN: token } });
  });
  afterAll(async () => {
    await svc?.close();
  });

  it('refuses a scrape without the token, or with another one, with 401 and shows nothing', async () => {
    const wrong = randomBytes(32).toString('base64url');
    for (const headers of [{} as Record<string, string>, { authorization: `Bearer ${wrong}` }, { authorization: `Bearer ${token.slice(0, -1)}` }, { authorization: `Basic ${token}` }]) {
      const r = await svc.http.get<{ statusCode: number; errorCode: string }>('/metrics', { headers });
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ statusCode: 401, errorCode: 'invalid_token' });
      expect(r.text).not.toContain('http_request_duration_seconds');
    }
  });

  it('answers the scraper that sends the token', async () => {
    const r = await svc.http.get('/metrics', { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/^projection_position \d+/m);
  });

  it('leaves the health probes open', async () => {
    expect((await svc.http.get('/health/live')).status).toBe(200);
  });
});
