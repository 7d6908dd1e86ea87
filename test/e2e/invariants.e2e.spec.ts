/**
 * architecture.md invariants, end to end over HTTP: read-your-writes (6),
 * state survives a restart (8), no secret at rest (2), the log rebuilds the
 * live read model (1).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { JSONWebKeySet } from 'jose';
import { ReadModel, rebuild } from '@app/read-model';
import { EVENT_STORE, PROJECTION_PROGRESS } from '../../apps/token-service/src/infrastructure/tokens';
import { createClient, delegate, history, issueRefreshToken, type CreatedClient, type IssuedRefreshToken } from '../support/fixtures';
import { ADAPTERS, startTokenService, type TokenServiceUnderTest } from '../support/token-service';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe.each(ADAPTERS)('invariants (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  let app: CreatedClient;
  let token: string;
  beforeAll(async () => {
    svc = await startTokenService({ adapter, env: { DELEGATION_RATE_LIMIT: '0' } });
    app = await createClient(svc, { app_type: 'native' });
    token = await svc.managementToken();
  });
  afterAll(async () => {
    await svc?.close();
  });

  describe('read-your-writes (invariant 6)', () => {
    // Each way of revoking, in turn: the answer comes only once this node refuses the token.
    const revokers: ((issued: IssuedRefreshToken) => Promise<number>)[] = [
      async (i) => (await svc.http.delete(`/api/v2/refresh-tokens/${i.id}`, { token })).status,
      async (i) => (await svc.http.delete(`/api/v2/device-credentials/${i.id}`, { token })).status,
      async (i) => (await svc.http.post('/oauth/revoke', { json: { client_id: app.client_id, token: i.refresh_token } })).status,
      async (i) => (await svc.http.delete(`/api/v2/users/${encodeURIComponent(i.user_id)}/refresh-tokens`, { token })).status,
    ];

    it('refuses a token immediately after its revocation answered, 20 times in a row', async () => {
      for (let round = 0; round < 20; round++) {
        const issued = await issueRefreshToken(svc, { client_id: app.client_id });
        expect((await delegate(svc, app.client_id, issued.refresh_token)).status).toBe(200);
        const status = await revokers[round % revokers.length](issued);
        expect([200, 204]).toContain(status);
        const refused = await delegate(svc, app.client_id, issued.refresh_token);
        expect({ round, status: refused.status, error: refused.body.error }).toEqual({ round, status: 400, error: 'invalid_grant' });
      }
    });
  });

  describe('concurrent revocation (invariants 4 and 5)', () => {
    it('answers every one of 10 parallel revocations of one token 204 and records exactly one revocation', async () => {
      const issued = await issueRefreshToken(svc, { client_id: app.client_id });
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          i % 2
            ? svc.http.delete(`/api/v2/refresh-tokens/${issued.id}`, { token, query: { reason: `r${i}` } })
            : svc.http.post('/oauth/revoke', { json: { client_id: app.client_id, token: issued.refresh_token } }),
        ),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 204, 204, 204, 204, 204]);
      const events = (await history(svc, issued.id)).events;
      expect(events.map((e) => e.type)).toEqual(['RefreshTokenIssued', 'RefreshTokenRevoked']);
      expect((await delegate(svc, app.client_id, issued.refresh_token)).status).toBe(400);
    });

    it('revokes every token of a user under parallel bulk revocations, one event each', async () => {
      const userId = `parallel-${Date.now()}`;
      const issued = await Promise.all(Array.from({ length: 6 }, () => issueRefreshToken(svc, { client_id: app.client_id, user_id: userId })));
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => svc.http.delete(`/api/v2/users/${encodeURIComponent(userId)}/refresh-tokens`, { token })),
      );
      expect(answers.map((a) => a.status)).toEqual([204, 204, 204, 204]);
      for (const i of issued) {
        expect((await history(svc, i.id)).events.map((e) => e.type)).toEqual(['RefreshTokenIssued', 'RefreshTokenRevoked']);
        expect((await delegate(svc, app.client_id, i.refresh_token)).status).toBe(400);
      }
    });
  });

  describe('secrets at rest (invariant 2)', () => {
    it('keeps no plaintext refresh token or client secret in DATA_DIR (WAL included) or in the event log', async () => {
      const secrets: string[] = [svc.managementClientSecret];
      const confidential = await createClient(svc, { app_type: 'regular_web' });
      const hs256 = await createClient(svc, { app_type: 'regular_web', jwt_configuration: { alg: 'HS256' } });
      secrets.push(confidential.client_secret!, hs256.client_secret!);
      for (const c of [app, confidential, hs256]) {
        for (let i = 0; i < 3; i++) {
          const issued = await issueRefreshToken(svc, { client_id: c.client_id });
          secrets.push(issued.refresh_token);
          const secret: Record<string, string> = c.client_secret ? { client_secret: c.client_secret } : {};
          expect((await delegate(svc, c.client_id, issued.refresh_token, secret)).status).toBe(200);
          if (i === 0) await svc.http.delete(`/api/v2/refresh-tokens/${issued.id}`, { token });
        }
      }
      expect(secrets.every((s) => s.length >= 20)).toBe(true);

      // Scan while the service runs, so the SQLite -wal files are still there.
      const files = filesUnder(svc.dataDir);
      expect(files.length).toBeGreaterThan(0);
      if (adapter === 'sqlite') expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
      for (const file of files) {
        const bytes = readFileSync(file);
        for (const secret of secrets) {
          expect({ file, leaked: bytes.includes(Buffer.from(secret, 'utf8')) }).toEqual({ file, leaked: false });
        }
      }

      const log: string[] = [];
      for await (const event of svc.service.get(EVENT_STORE).readAll()) log.push(JSON.stringify(event));
      const everything = log.join('\n');
      expect(log.length).toBeGreaterThan(0);
      for (const secret of secrets) expect(everything.includes(secret)).toBe(false);
      if (svc.double) {
        for (const event of svc.double.log.allEvents()) {
          const raw = Buffer.concat([Buffer.from(event.data), Buffer.from(event.customMetadata)]);
          for (const secret of secrets) expect(raw.includes(Buffer.from(secret, 'utf8'))).toBe(false);
        }
      }
    });
  });

  describe('the log is the truth (invariant 1)', () => {
    it('a read model rebuilt from position 0 equals the live one', async () => {
      const other = await createClient(svc, { app_type: 'regular_web' });
      for (let i = 0; i < 5; i++) {
        const issued = await issueRefreshToken(svc, { client_id: i % 2 ? app.client_id : other.client_id, device_id: `dev-${i}` });
        if (i % 2 === 0) await svc.http.delete(`/api/v2/refresh-tokens/${issued.id}`, { token });
      }
      const doomed = await createClient(svc, { app_type: 'native' });
      await issueRefreshToken(svc, { client_id: doomed.client_id });
      expect((await svc.http.delete(`/api/v2/clients/${doomed.client_id}`, { token })).status).toBe(204);

      const store = svc.service.get(EVENT_STORE);
      const head = await store.headPosition();
      expect(await svc.service.get(PROJECTION_PROGRESS).waitForPosition(head, 5_000)).toBe(true);
      const rebuilt = await rebuild(store, ':memory:');
      try {
        expect(rebuilt.readModel.snapshot()).toBe(svc.service.get(ReadModel).snapshot());
      } finally {
        rebuilt.readModel.close();
      }
    });
  });
});

describe.each(ADAPTERS)('restart with the same DATA_DIR and event store (%s)', (adapter) => {
  let svc: TokenServiceUnderTest;
  beforeAll(async () => {
    svc = await startTokenService({ adapter });
  });
  afterAll(async () => {
    await svc?.close();
  });

  it('keeps state: revoked stays revoked, valid still delegates, clients and JWKS kids unchanged', async () => {
    const token = await svc.managementToken();
    const app = await createClient(svc, { app_type: 'regular_web' });
    const valid = await issueRefreshToken(svc, { client_id: app.client_id });
    const revoked = await issueRefreshToken(svc, { client_id: app.client_id });
    expect((await svc.http.delete(`/api/v2/refresh-tokens/${revoked.id}`, { token })).status).toBe(204);
    const kidsBefore = (await svc.http.get<JSONWebKeySet>('/.well-known/jwks.json')).body.keys.map((k) => k.kid).sort();

    await svc.restart();

    const kidsAfter = (await svc.http.get<JSONWebKeySet>('/.well-known/jwks.json')).body.keys.map((k) => k.kid).sort();
    expect(kidsAfter).toEqual(kidsBefore);
    // A management token minted before the restart still verifies (same keys).
    expect((await svc.http.get(`/api/v2/clients/${app.client_id}`, { token })).status).toBe(200);
    expect((await delegate(svc, app.client_id, valid.refresh_token, { client_secret: app.client_secret! })).status).toBe(200);
    const refused = await delegate(svc, app.client_id, revoked.refresh_token, { client_secret: app.client_secret! });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token has been revoked.' });
    // The client secret survived as a verifier: the confidential client still authenticates.
    const grant = await svc.http.post('/oauth/token', {
      form: { grant_type: 'refresh_token', client_id: app.client_id, client_secret: app.client_secret, refresh_token: valid.refresh_token },
    });
    expect(grant.status).toBe(200);
    // And the bootstrap client was not registered twice.
    const clients = (await svc.http.get<{ client_id: string }[]>('/api/v2/clients', { token })).body;
    expect(clients.filter((c) => c.client_id === svc.managementClientId)).toHaveLength(1);
  });
});
