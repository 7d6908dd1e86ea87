import { randomBytes } from 'node:crypto';
import { formatCheckpoint } from '../note/checkpoint';
import { verifyCosignatures } from '../note/cosignature';
import { ALG_COSIGNATURE_V1, generateNoteSigner, parseVerifierKey } from '../note/keys';
import { signNote } from '../note/signed-note';
import { CompactRange } from '../tree/compact-range';
import { consistencyProof } from '../tree/consistency-proof';
import { leafHash } from '../tree/hashing';
import { MemoryNodeStore } from '../tree/memory-node-store';
import { rootAt } from '../tree/root';
import { addCheckpoint, type WitnessState } from './add-checkpoint';

const ORIGIN = 'auth.example.test/log';
const NOW = 1_765_000_000;

/** A log: a growing tree and its signer. */
function log() {
  const store = new MemoryNodeStore();
  const range = CompactRange.empty();
  let size = 0;
  const signer = generateNoteSigner(ORIGIN);
  return {
    signer,
    grow(leaves: number) {
      for (let i = 0; i < leaves; i++, size++) store.put(range.append(leafHash(randomBytes(8))));
    },
    root: (at = size) => rootAt(store, at),
    checkpoint: (at = size) => signNote(formatCheckpoint({ origin: ORIGIN, size: at, root: rootAt(store, at) }), [signer]),
    proof: (from: number, to = size) => consistencyProof(store, from, to).map((hash) => hash.toString('base64')),
  };
}

function memoryState(): WitnessState & { notes: Map<string, string> } {
  const notes = new Map<string, string>();
  return { notes, latest: (origin) => notes.get(origin), save: (origin, note) => void notes.set(origin, note) };
}

const request = (old: number, proof: string[], note: string): string => `old ${old}\n${proof.map((h) => `${h}\n`).join('')}\n${note}`;

describe('C2SP tlog-witness add-checkpoint', () => {
  const cosigner = generateNoteSigner('witness.example.test/w1', ALG_COSIGNATURE_V1);
  const cosignerKey = parseVerifierKey(cosigner.verifierKey);

  it('cosigns a first checkpoint, then an extension proven consistent; each cosignature verifies with the witness key and carries the time', () => {
    const l = log();
    const state = memoryState();
    const witness = { logs: [l.signer], cosigner, state, now: () => NOW };
    l.grow(5);
    const first = l.checkpoint();
    const a = addCheckpoint(request(0, [], first), witness);
    expect(a.status).toBe(200);
    expect(a.body).toMatch(/^\u2014 witness\.example\.test\/w1 [A-Za-z0-9+/]+=*\n$/);
    expect(verifyCosignatures(first + a.body, [cosignerKey])).toEqual([{ cosigner: cosignerKey, timestamp: NOW }]);

    l.grow(7);
    const second = l.checkpoint();
    const b = addCheckpoint(request(5, l.proof(5), second), witness);
    expect(b.status).toBe(200);
    expect(verifyCosignatures(second + b.body, [cosignerKey])).toHaveLength(1);
    expect(state.notes.get(ORIGIN)).toBe(second);
  });

  it('answers 409 with the size it cosigned (text/x.tlog.size) when the client does not know it', () => {
    const l = log();
    const witness = { logs: [l.signer], cosigner, state: memoryState(), now: () => NOW };
    l.grow(4);
    expect(addCheckpoint(request(0, [], l.checkpoint()), witness).status).toBe(200);
    l.grow(2);
    expect(addCheckpoint(request(0, [], l.checkpoint()), witness)).toEqual({ status: 409, contentType: 'text/x.tlog.size', body: '4\n' });
  });

  it('refuses a fork: the same size with another root (409), and another history with a proof that cannot lead to it (422); the state stays', () => {
    const honest = log();
    const state = memoryState();
    honest.grow(6);
    const held = honest.checkpoint();
    expect(addCheckpoint(request(0, [], held), { logs: [honest.signer], cosigner, state }).status).toBe(200);

    // The same key signs a rewritten history (an operator who rewrote the log).
    const forked = log();
    forked.grow(6);
    const sameSize = signNote(formatCheckpoint({ origin: ORIGIN, size: 6, root: forked.root(6) }), [honest.signer]);
    expect(addCheckpoint(request(6, [], sameSize), { logs: [honest.signer], cosigner, state }).status).toBe(409);

    forked.grow(4);
    const longer = signNote(formatCheckpoint({ origin: ORIGIN, size: 10, root: forked.root(10) }), [honest.signer]);
    const refused = addCheckpoint(request(6, forked.proof(6), longer), { logs: [honest.signer], cosigner, state });
    expect(refused.status).toBe(422);
    expect(state.notes.get(ORIGIN)).toBe(held);
  });

  it('404 for an unknown log, 403 for a checkpoint not signed by its key, 400 for old above the size', () => {
    const l = log();
    l.grow(3);
    const witness = { logs: [l.signer], cosigner, state: memoryState() };
    expect(addCheckpoint(request(0, [], l.checkpoint()), { ...witness, logs: [generateNoteSigner('other.example/log')] }).status).toBe(404);
    const impostor = generateNoteSigner(ORIGIN);
    expect(addCheckpoint(request(0, [], signNote(formatCheckpoint({ origin: ORIGIN, size: 3, root: randomBytes(32) }), [impostor])), witness).status).toBe(403);
    expect(addCheckpoint(request(4, [], l.checkpoint()), witness).status).toBe(400);
    expect(addCheckpoint('old x\n\n', witness).status).toBe(400);
  });
});
