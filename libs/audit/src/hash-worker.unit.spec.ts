import { canonicalJson, GENESIS_HASH, hashStoredContent, type StoredEvent } from '@app/event-store';
import { HashChainVerifier } from './hash-chain';
import { HashWorker } from './hash-worker';

/** A stored event of stream `streamId` at `revision`, chained on `prevHash`, hashed as the SQLite adapter stores it. */
function storedEvent(position: number, streamId: string, revision: number, prevHash: string, data: Record<string, unknown>): StoredEvent {
  const metadata = { actor: 'mgmt', occurredAt: '2025-01-02T10:00:00.000Z', reason: 'ünïcödé ✓ "quoted"' };
  const id = `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`;
  const storedData = canonicalJson(data);
  const storedMetadata = canonicalJson(metadata);
  const type = revision === 0 ? 'RefreshTokenIssued' : 'RefreshTokenRevoked';
  const hash = hashStoredContent(prevHash, { id, streamId, revision, type, data: storedData, metadata: storedMetadata });
  return { id, streamId, revision, position, type, data, metadata, prevHash, hash, storedData, storedMetadata };
}

/** The event as the store reads it after its stored text was changed: data and metadata parsed from that text. */
function tampered(event: StoredEvent, text: Partial<Pick<StoredEvent, 'storedData' | 'storedMetadata'>>): StoredEvent {
  const changed = { ...event, ...text };
  return { ...changed, data: JSON.parse(changed.storedData) as Record<string, unknown>, metadata: JSON.parse(changed.storedMetadata) as StoredEvent['metadata'] };
}

/** `count` streams of two events each, interleaved in log order. */
function log(count: number): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (let i = 0; i < count; i++) {
    const streamId = `refreshToken-dcr_${i}`;
    const issued = storedEvent(2 * i + 1, streamId, 0, GENESIS_HASH, { credentialId: `dcr_${i}`, deviceName: `Émile's phone 📱 ${i}`, scope: 'openid' });
    events.push(issued, storedEvent(2 * i + 2, streamId, 1, issued.hash, { credentialId: `dcr_${i}`, reason: 'line\nbreak\ttab' }));
  }
  return events;
}

/** Checks `events` as verify does: order on this thread, content hashes on the worker, in pages of `pageSize`. */
function checkWithWorker(events: StoredEvent[], pageSize: number): HashChainVerifier & { workerMismatches: number } {
  const chain = Object.assign(new HashChainVerifier(), { workerMismatches: 0 });
  const worker = new HashWorker();
  try {
    for (let from = 0; from < events.length; from += pageSize) {
      const toHash: StoredEvent[] = [];
      const orders: number[] = [];
      for (const event of events.slice(from, from + pageSize)) {
        const { order, hashPending } = chain.checkDeferringHash(event);
        if (hashPending) {
          toHash.push(event);
          orders.push(order);
        }
      }
      worker.submit(toHash, orders);
      for (const { event, order } of worker.takeMismatches()) {
        chain.workerMismatches++;
        chain.hashMismatch(event, order);
      }
    }
    for (const { event, order } of worker.finish()) {
      chain.workerMismatches++;
      chain.hashMismatch(event, order);
    }
    return chain;
  } finally {
    void worker.close();
  }
}

describe('HashWorker: the hash chain content hashes off the main thread', () => {
  it('hashes stored text exactly as hashStoredContent (non-ASCII, escapes): an untouched log has no break', () => {
    const chain = checkWithWorker(log(500), 64);
    // None sent back either: a worker hashing differently would be caught only by the slow recheck, silently.
    expect(chain).toMatchObject({ events: 1000, breaks: 0, firstBreak: undefined, workerMismatches: 0 });
  });

  it('finds a byte changed in the stored data, with its position and stream, as the in-thread check does', () => {
    const events = log(300);
    const target = events[377];
    events[377] = tampered(target, { storedData: target.storedData.replace('dcr_', 'dcX_') });
    const chain = checkWithWorker(events, 50);
    const inThread = new HashChainVerifier();
    for (const event of events) inThread.check(event, { data: event.storedData, metadata: event.storedMetadata });
    expect(chain.breaks).toBe(1);
    expect(chain.firstBreak).toEqual(inThread.firstBreak);
    expect(chain.firstBreak).toMatchObject({ kind: 'hash_mismatch', position: target.position, streamId: target.streamId });
  });

  it('reports as first break the earliest in the log, even when a later order break was found before the worker answered', () => {
    const events = log(200);
    events[10] = tampered(events[10], { storedMetadata: events[10].storedMetadata.replace('mgmt', 'evil') });
    events.splice(300, 1); // stream 150's issuance deleted: its revocation (position 302) breaks the revision sequence
    const chain = checkWithWorker(events, 1000); // one page: the order break is found before the worker answers
    expect(chain.breaks).toBe(2);
    expect(chain.firstBreak).toMatchObject({ kind: 'hash_mismatch', position: 11 });
  });

  it('accepts a non-canonical stored text whose parsed content hashes right (checked again over the canonical form)', () => {
    const events = log(3);
    events[2] = tampered(events[2], { storedData: JSON.stringify(events[2].data, null, 2) });
    const chain = checkWithWorker(events, 2);
    expect(chain).toMatchObject({ breaks: 0, workerMismatches: 1 });
  });
});
