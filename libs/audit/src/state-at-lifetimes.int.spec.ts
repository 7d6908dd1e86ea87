/**
 * `audit state --at` for expiring refresh tokens: the answer comes from the
 * domain's evolve, lifetime rule and validity (no second copy), under the
 * client's policy as the log recorded it, on a real SQLite event store.
 */
import { randomUUID, createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientStreamId, type ClientRegisteredData } from '@app/clients/events';
import { type EventStore, type ExpectedRevision, SqliteEventStore } from '@app/event-store';
import { refreshTokenStreamId } from '@app/refresh-tokens/events';
import { tokenStateAt } from './state-at';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const client: ClientRegisteredData = {
  clientId: 'spa-1',
  name: 'an expiring spa',
  appType: 'spa',
  tokenEndpointAuthMethod: 'none',
  clientSecretHash: null,
  jwtConfiguration: { alg: 'RS256', lifetimeInSeconds: 3600 },
  grantTypes: ['refresh_token'],
  createdAt: '2026-01-01T00:00:00.000Z',
  refreshToken: {
    rotationType: 'rotating',
    expirationType: 'expiring',
    leeway: 0,
    tokenLifetime: 86_400,
    infiniteTokenLifetime: false,
    idleTokenLifetime: 3_600,
    infiniteIdleTokenLifetime: false,
  },
};

async function append(store: EventStore, streamId: string, expectedRevision: ExpectedRevision, type: string, data: object, occurredAt: string) {
  await store.appendToStream(streamId, [{ id: randomUUID(), type, data: data as Record<string, unknown>, metadata: { actor: 'test', occurredAt } }], { expectedRevision });
}

describe('audit state at T of an expiring refresh token (real SQLite log)', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-lifetimes-'));
    store = new SqliteEventStore({ filename: join(dir, 'events.sqlite') });
    await append(store, clientStreamId('spa-1'), 'no_stream', 'ClientRegistered', client, '2026-01-01T00:00:00.000Z');
    const family = refreshTokenStreamId('dcr_exp');
    const base = { credentialId: 'dcr_exp', clientId: 'spa-1', userId: 'auth0|ada', deviceId: 'phone' };
    await append(store, family, 'no_stream', 'RefreshTokenIssued', { ...base, tokenHash: sha256('t0'), deviceName: 'Phone', scope: 'openid offline_access', issuedAt: '2026-01-02T00:00:00.000Z' }, '2026-01-02T00:00:00.000Z');
    await append(store, family, 0, 'RefreshTokenRotated', {
      ...base,
      generation: 1,
      tokenHash: sha256('t1'),
      previousTokenHash: sha256('t0'),
      rotatedAt: '2026-01-02T00:30:00.000Z',
      expiresAt: '2026-01-03T00:00:00.000Z',
      idleExpiresAt: '2026-01-02T01:30:00.000Z',
    }, '2026-01-02T00:30:00.000Z');
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is valid inside its idle lifetime, renewed by the rotation', async () => {
    await expect(tokenStateAt(store, 'dcr_exp', new Date('2026-01-02T01:29:59.000Z'))).resolves.toMatchObject({ valid: true, code: 'valid' });
  });

  it('answers expired once idle past the lifetime the rotation renewed, and says why', async () => {
    const answer = await tokenStateAt(store, 'dcr_exp', new Date('2026-01-02T01:30:00.000Z'));
    expect(answer).toMatchObject({ valid: false, code: 'expired' });
    expect(answer.explanation).toContain('idle past 2026-01-02T01:30:00.000Z');
  });

  it("would have expired at the first idle deadline had it not rotated (the rotation is folded by the domain's evolve)", async () => {
    // 01:00 is past issuance + idle (01:00) but the rotation at 00:30 renewed it.
    await expect(tokenStateAt(store, 'dcr_exp', new Date('2026-01-02T01:00:00.000Z'))).resolves.toMatchObject({ valid: true });
    await expect(tokenStateAt(store, 'dcr_exp', new Date('2026-01-02T00:59:00.000Z'))).resolves.toMatchObject({ valid: true });
  });
});
