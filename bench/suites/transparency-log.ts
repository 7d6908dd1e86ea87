/**
 * The verifiable log's tree: appending while rebuilding from the log (target
 * ≥ 100,000 leaves/s, into its SQLite file, leaf encoding and hashing
 * included) beside the ceiling of the hashing alone in memory; and inclusion
 * and consistency proofs read from the stored nodes of a 1,000,000-leaf tree
 * (target < 10 ms each).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@app/event-store';
import { CompactRange, consistencyProof, inclusionProof, leafHash } from '@app/transparency-log';
import { leafDataOf, TreeStore } from '@app/verifiable-log';
import type { BenchRow } from '../lib/report';
import type { Suite } from './context';

const BATCH = 2000;
const PROOF_TREE_SIZE = 1_000_000;

function syntheticEvent(position: number): RecordedEvent {
  return {
    id: randomUUID(),
    streamId: `refreshToken-${position >> 2}`,
    revision: position & 3,
    position,
    type: 'RefreshTokenRotated',
    data: { generation: position & 3, familyId: `family-${position >> 2}` },
    metadata: { actor: 'bench', occurredAt: '2026-01-01T00:00:00.000Z' },
    prevHash: '',
    hash: '',
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const transparencyLogSuite: Suite = async (context) => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-tlog-'));
  try {
    const leaves = PROOF_TREE_SIZE;
    context.progress(`tlog: appending ${leaves} leaves into the SQLite tree`);
    const tree = new TreeStore(join(dir, 'tree.sqlite'));
    const started = process.hrtime.bigint();
    for (let start = 1; start <= leaves; start += BATCH) {
      const events: RecordedEvent[] = [];
      for (let p = start; p < start + BATCH && p <= leaves; p++) events.push(syntheticEvent(p));
      tree.append(events, events[events.length - 1].position);
    }
    const appendSeconds = Number(process.hrtime.bigint() - started) / 1e9;

    context.progress('tlog: ceiling, hashing alone in memory');
    const ceilingLeaves = context.quick ? 200_000 : leaves;
    const range = CompactRange.empty();
    const ceilingStarted = process.hrtime.bigint();
    for (let p = 1; p <= ceilingLeaves; p++) range.append(leafHash(leafDataOf(syntheticEvent(p))));
    const ceilingSeconds = Number(process.hrtime.bigint() - ceilingStarted) / 1e9;

    context.progress(`tlog: proofs on the ${leaves}-leaf tree`);
    const samples = context.quick ? 500 : 5000;
    const time = (proof: () => unknown): number[] => {
      const ms: number[] = [];
      for (let i = 0; i < samples; i++) {
        const t = process.hrtime.bigint();
        proof();
        ms.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      return ms.sort((a, b) => a - b);
    };
    const random = (n: number): number => Math.floor(Math.random() * n);
    const inclusion = time(() => inclusionProof(tree, random(leaves), leaves));
    const consistency = time(() => consistencyProof(tree, 1 + random(leaves - 1), leaves));
    tree.close();

    const rows: BenchRow[] = [
      {
        suite: 'tlog',
        name: 'tree append while rebuilding (SQLite)',
        unit: 'leaves/s',
        higherIsBetter: true,
        ours: { value: leaves / appendSeconds },
        ceiling: { value: ceilingLeaves / ceilingSeconds },
        ceilingIs: 'tlog: leaf encoding and RFC 9162 hashing alone, in memory',
        target: '>= 100000 leaves/s',
      },
      ...(
        [
          ['inclusion proof, 1M leaves', inclusion],
          ['consistency proof, 1M leaves', consistency],
        ] as const
      ).map(
        ([name, ms]): BenchRow => ({
          suite: 'tlog',
          name,
          unit: 'ms',
          higherIsBetter: false,
          ours: { value: percentile(ms, 50), p50: percentile(ms, 50), p99: percentile(ms, 99) },
          target: '< 10 ms',
        }),
      ),
    ];
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
