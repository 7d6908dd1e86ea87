import { SqliteEventStore } from '@app/event-store';
import { type RefreshTokenCommand, refreshTokenDecider, refreshTokenStreamId } from '@app/refresh-tokens';
import { cryptoIds } from '@app/shared';
import { DeciderCommandHandler } from './decider-command-handler';

const NOW = new Date('2026-01-01T00:00:00.000Z');
const metadata = { actor: 'mgmt', correlationId: 'c-1', occurredAt: NOW.toISOString() };
const issueOf = (credentialId: string): RefreshTokenCommand => ({
  type: 'IssueRefreshToken',
  data: {
    credentialId,
    tokenHash: 'a'.repeat(64),
    clientId: 'app',
    userId: 'auth0|alice',
    deviceId: 'phone',
    deviceName: "Alice's phone",
    scope: 'openid offline_access',
    now: NOW,
  },
});
const issue = issueOf('dcr_1');
const revoke: RefreshTokenCommand = { type: 'RevokeRefreshToken', data: { credentialId: 'dcr_1', actor: 'mgmt', reason: 'lost', now: NOW } };

describe('DeciderCommandHandler (real SQLite event store)', () => {
  let store: SqliteEventStore;
  let refreshTokens: DeciderCommandHandler<RefreshTokenCommand, { type: string; data: object }>;
  /** The positions the handler waited for this node's projection to reach, in order. */
  let waitedFor: (number | undefined)[];

  beforeEach(() => {
    store = new SqliteEventStore({ filename: ':memory:' });
    waitedFor = [];
    const writes = { waitForWrite: async (position: number | undefined) => void waitedFor.push(position) };
    refreshTokens = DeciderCommandHandler(refreshTokenDecider, refreshTokenStreamId, { store, ids: cryptoIds, writes });
  });
  afterEach(() => store.close());

  it('appends what the decider decides to the stream named by the id, and returns the position', async () => {
    const result = await refreshTokens.handle('dcr_1', issue, metadata);
    expect(result.events.map((e) => e.type)).toEqual(['RefreshTokenIssued']);
    const recorded = await store.readStream(refreshTokenStreamId('dcr_1'));
    expect(recorded.map((e) => [e.type, e.revision, e.position, e.metadata.actor])).toEqual([['RefreshTokenIssued', 0, result.position, 'mgmt']]);
  });

  it('appends nothing and returns no position when the decider decides nothing (a second revoke)', async () => {
    await refreshTokens.handle('dcr_1', issue, metadata);
    const first = await refreshTokens.handle('dcr_1', revoke, metadata);
    const second = await refreshTokens.handle('dcr_1', revoke, metadata);
    expect(first.events).toHaveLength(1);
    expect(second).toEqual({ events: [], state: expect.objectContaining({ status: 'revoked', credentialId: 'dcr_1' }) });
    // The state after an append has the appended events folded in.
    expect(first.state).toMatchObject({ status: 'revoked', reason: 'lost' });
    expect((await store.readStream(refreshTokenStreamId('dcr_1'))).map((e) => e.type)).toEqual(['RefreshTokenIssued', 'RefreshTokenRevoked']);
  });

  it('lets concurrent revokes of one token record one revocation (a conflict is decided again from fresh state)', async () => {
    await refreshTokens.handle('dcr_1', issue, metadata);
    const results = await Promise.all(Array.from({ length: 8 }, () => refreshTokens.handle('dcr_1', revoke, metadata)));
    expect(results.filter((r) => r.events.length > 0)).toHaveLength(1);
    expect((await store.readStream(refreshTokenStreamId('dcr_1'))).filter((e) => e.type === 'RefreshTokenRevoked')).toHaveLength(1);
  });

  it('waits for its own write before returning (read-your-writes), and for nothing when nothing was appended', async () => {
    const issued = await refreshTokens.handle('dcr_1', issue, metadata);
    await refreshTokens.handle('dcr_1', revoke, metadata);
    const again = await refreshTokens.handle('dcr_1', revoke, metadata);
    expect(again.position).toBeUndefined();
    expect(waitedFor).toEqual([issued.position, (await store.readLastEvent(refreshTokenStreamId('dcr_1')))!.position, undefined]);
  });

  it('handles a batch one stream each, results in order, and waits once for the last position', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `dcr_${i}`);
    const results = await refreshTokens.handleEach(ids.map((id) => ({ id, command: issueOf(id), metadata })));
    for (const [i, id] of ids.entries()) {
      expect((await store.readStream(refreshTokenStreamId(id))).map((e) => e.position)).toEqual([results[i].position]);
    }
    expect(waitedFor).toEqual([Math.max(...results.map((r) => r.position!))]);
  });

  it('passes the domain error through (an unknown credential is CREDENTIAL_NOT_FOUND)', async () => {
    await expect(refreshTokens.handle('dcr_1', revoke, metadata)).rejects.toMatchObject({ code: 'CREDENTIAL_NOT_FOUND' });
  });
});
