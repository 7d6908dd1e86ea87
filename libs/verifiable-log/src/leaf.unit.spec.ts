import { canonicalJson, type RecordedEvent } from '@app/event-store';
import { leafContentOf, leafDataOf } from './leaf';

const event: RecordedEvent = {
  id: '0f8b7c1e-2a4d-4c55-9d1e-6a1b2c3d4e5f',
  streamId: 'refreshToken-cred "1"',
  revision: 3,
  position: 42,
  type: 'RefreshTokenRevoked',
  data: { userId: 'alice@example.test', reason: 'logout' },
  metadata: { actor: 'client-1', occurredAt: '2026-01-01T00:00:00.000Z', reason: 'user asked' },
  prevHash: 'p',
  hash: 'h',
};

describe('a leaf of the verifiable log', () => {
  it('is the canonical JSON of its content, written out by hand in the same order', () => {
    expect(leafDataOf(event).toString('utf8')).toBe(canonicalJson(leafContentOf(event)));
  });

  it('holds the hashes of data and metadata, never the data', () => {
    const text = leafDataOf(event).toString('utf8');
    expect(text).not.toContain('alice');
    expect(text).not.toContain('user asked');
    expect(JSON.parse(text)).toMatchObject({ id: event.id, position: 42, revision: 3, stream: event.streamId, type: 'RefreshTokenRevoked', v: 1 });
  });

  it('changes when the data changes (an edited event is another leaf)', () => {
    const edited = { ...event, data: { ...event.data, reason: 'never' } };
    expect(leafDataOf(edited).equals(leafDataOf(event))).toBe(false);
  });
});
