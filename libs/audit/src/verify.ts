import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInBatches, type EventStore, type RecordedEvent, type StoredEvent, type StreamHead } from '@app/event-store';
import { ReadModelProjection, PROJECTED_STREAM_PREFIXES, ReadModel } from '@app/read-model';
import { messageOf, silentLogger } from '@app/shared';
import { HashChainVerifier, type ChainBreak } from './hash-chain';
import { HashWorker } from './hash-worker';
import type { ProgressReporter } from './progress';
import { compareReadModels, type ReadModelComparison, type RowDifference } from './read-model-diff';
import { scanLogPages } from './scan';

export interface VerifyOptions {
  /** The live read model (`DATA_DIR/read-model.sqlite`); null: check the hash chain only. */
  readModelFilename: string | null;
  /**
   * Where the fresh replay is built: a file path, or `':memory:'` (fastest,
   * but holds the whole model in RAM). Default: a file in a new temporary
   * directory, removed afterwards.
   */
  scratchFilename?: string;
  /** Events per read and per read-model transaction (default 2,000). */
  batchSize?: number;
  /** Stream heads the chain check keeps in memory (default 50,000); beyond, predecessors are read from the store. */
  maxHeads?: number;
  progress?: ProgressReporter;
}

export interface ChainReport {
  ok: boolean;
  /** Events read and checked (every stream, not only the projected ones). */
  events: number;
  streams: number;
  /** Last log position checked. */
  lastPosition: number;
  /** Events that break the chain (after a break, checking goes on from the stored values). */
  breaks: number;
  firstBreak?: ChainBreak;
}

export type ReadModelStatus =
  /** Fresh replay and live model are equal row for row. */
  | 'equal'
  /** They differ: see firstDifference. */
  | 'different'
  /** The live model's checkpoint lies beyond the projected events of the log: events at its end were removed. */
  | 'ahead_of_log'
  /** The file is missing, unreadable or of another schema version. */
  | 'unreadable'
  /** The live model kept moving (a busy service); try again, or stop the node. */
  | 'unstable'
  /** Not compared (`readModelFilename: null`). */
  | 'not_checked';

export interface ReadModelReport {
  ok: boolean;
  status: ReadModelStatus;
  filename: string | null;
  /** Log position both models were compared at (the live checkpoint). */
  checkpoint: number;
  /** Last position of a projected event in the log (live may legitimately lag behind it). */
  logProjectedHead: number;
  rows: number;
  differences: number;
  firstDifference?: RowDifference;
  message: string;
}

export interface VerifyReport {
  /** Both the hash chain and the read model hold. */
  ok: boolean;
  chain: ChainReport;
  readModel: ReadModelReport;
  durationMs: number;
  /** Events replayed per second (whole log). */
  eventsPerSecond: number;
}

const LIVE_CHECKPOINT = ReadModelProjection.DEFAULT_NAME;
/** Events per read and per scratch transaction: larger batches only grow the in-memory journal (RSS), not the speed. */
const DEFAULT_BATCH_SIZE = 2000;
/**
 * Page cache of the scratch model, which also bounds the sorter of its unique
 * indexes at the end: 16 MB, not 64, took about 50 MB off verify's peak RSS
 * for 1,000,000 events at no measurable CPU cost (the fold's pages are mostly
 * recent ones: the table grows at its end, a revocation follows its issuance).
 */
const SCRATCH_CACHE_MB = 16;
/** Tries to find the live model at rest between two of its commits. */
const MAX_COMPARE_ATTEMPTS = 5;

/**
 * `audit verify`: one pass over the whole log that
 * 1. checks every stream's hash chain (a changed, deleted or reordered event
 *    breaks it, see integrity.ts), and
 * 2. replays the projected streams, with the projection code the service
 *    runs, into a fresh read model, then compares it row by row with the live
 *    one at the live model's checkpoint (it may lag behind the log; that is
 *    not a fault). The stream head columns catch what the chain cannot: an
 *    event removed from the END of a stream leaves a valid, shorter chain,
 *    but the live model still names the lost head.
 *
 * One pass rather than `rebuild()` + a second read for the chain: on a log of
 * millions of events the read dominates. The projection is the same class
 * `rebuild()` and the live node use (invariant 1).
 */
export async function verify(store: EventStore, options: VerifyOptions): Promise<VerifyReport> {
  const started = performance.now();
  const live = options.readModelFilename === null ? undefined : openLive(options.readModelFilename);
  const ownScratch = options.scratchFilename === undefined ? mkdtempSync(join(tmpdir(), 'audit-verify-')) : undefined;
  const scratchFilename = options.scratchFilename ?? join(ownScratch as string, 'replay.sqlite');
  let scratch = openScratch(scratchFilename, true);
  let hasher: HashWorker | undefined;
  try {
    let projection = new ReadModelProjection(scratch, { logger: silentLogger });
    const chain = new HashChainVerifier(options.maxHeads);
    const feedUpTo = live?.model ? liveCheckpoint(live.model) : 0;
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    let batch: RecordedEvent[] = [];
    let logProjectedHead = 0;
    let lastPosition = 0;

    // One read and one JSON parse per event, shared by the chain check and the fold; the content hashes
    // over the stored text on a worker thread beside them (hash-worker.ts).
    for await (const page of scanLogPages(store, { pageSize: batchSize, progress: options.progress })) {
      const toHash: StoredEvent[] = [];
      const orders: number[] = [];
      for (const event of page) {
        if (chain.needsPredecessor(event)) chain.remember(event.streamId, await storedPredecessor(store, event));
        if (hasStoredText(event)) {
          const { order, hashPending } = chain.checkDeferringHash(event);
          if (hashPending) {
            toHash.push(event);
            orders.push(order);
          }
        } else chain.check(event);
        lastPosition = event.position;
        if (!isProjected(event.streamId)) continue;
        logProjectedHead = event.position;
        if (event.position > feedUpTo) continue;
        batch.push(event);
      }
      if (toHash.length > 0) {
        hasher ??= new HashWorker();
        hasher.submit(toHash, orders);
      }
      if (batch.length >= batchSize) {
        projection.applyBatch(batch);
        batch = [];
      }
      for (const { event, order } of hasher?.takeMismatches() ?? []) chain.hashMismatch(event, order);
    }
    if (batch.length > 0) projection.applyBatch(batch);
    for (const { event, order } of hasher?.finish() ?? []) chain.hashMismatch(event, order);
    if (!scratch.createDeferredUniqueIndexes()) {
      // Two credentials share a token hash or issue position: replay again with the unique indexes in place, as the live projection ran.
      scratch.close();
      scratch = openScratch(scratchFilename, false);
      projection = new ReadModelProjection(scratch, { logger: silentLogger });
      await catchUp(store, projection, feedUpTo, batchSize);
    }

    const chainReport: ChainReport = {
      ok: chain.breaks === 0,
      events: chain.events,
      streams: chain.streams,
      lastPosition,
      breaks: chain.breaks,
      firstBreak: chain.firstBreak,
    };
    const readModel = live
      ? await compareWithLive(store, live, projection, scratchFilename, logProjectedHead, batchSize)
      : notChecked(logProjectedHead);
    const durationMs = performance.now() - started;
    return {
      ok: chainReport.ok && readModel.ok,
      chain: chainReport,
      readModel,
      durationMs,
      eventsPerSecond: durationMs > 0 ? Math.round((chain.events * 1000) / durationMs) : 0,
    };
  } finally {
    await hasher?.close();
    scratch.close();
    live?.model?.close();
    if (ownScratch) rmSync(ownScratch, { recursive: true, force: true });
  }
}

/** A new, empty replay model (any file left at `filename` is replaced). */
function openScratch(filename: string, deferUniqueIndexes: boolean): ReadModel {
  if (filename !== ':memory:') for (const suffix of ['', '-journal']) rmSync(`${filename}${suffix}`, { force: true });
  return new ReadModel({ filename, throwaway: true, cacheMb: SCRATCH_CACHE_MB, deferUniqueIndexes });
}

interface LiveModel {
  filename: string;
  model?: ReadModel;
  problem?: string;
}

/** Read-only: an auditor's tool never writes the live model. */
function openLive(filename: string): LiveModel {
  let model: ReadModel | undefined;
  try {
    model = ReadModel.openReadOnly(filename);
    liveCheckpoint(model);
    return { filename, model };
  } catch (error) {
    // Opened but unreadable (no checkpoint table): close it, the report says why.
    model?.close();
    return { filename, problem: messageOf(error) };
  }
}

function liveCheckpoint(model: ReadModel): number {
  return model.checkpoint(LIVE_CHECKPOINT);
}

function isProjected(streamId: string): boolean {
  return PROJECTED_STREAM_PREFIXES.some((prefix) => streamId.startsWith(prefix));
}

async function compareWithLive(
  store: EventStore,
  live: LiveModel,
  projection: ReadModelProjection,
  scratchFilename: string,
  logProjectedHead: number,
  batchSize: number,
): Promise<ReadModelReport> {
  const base = { filename: live.filename, logProjectedHead, rows: 0, differences: 0 };
  if (!live.model) return { ...base, ok: false, status: 'unreadable', checkpoint: 0, message: live.problem ?? 'unreadable' };
  const model = live.model;
  for (let attempt = 0; attempt < MAX_COMPARE_ATTEMPTS; attempt++) {
    const checkpoint = liveCheckpoint(model);
    // A running node moved on while we read: bring the replay to the same point (these events were
    // appended after the scan began and are not chain-checked by this run).
    if (checkpoint > projection.position()) await catchUp(store, projection, checkpoint, batchSize);
    if (checkpoint > projection.position()) {
      return {
        ...base,
        ok: false,
        status: 'ahead_of_log',
        checkpoint,
        message: `the live read model's checkpoint is position ${checkpoint}, but the log has no projected event there (the last one up to it is at ${projection.position()}): events were removed from the log`,
      };
    }
    const comparison = compareAt(model, projection.readModel, scratchFilename, checkpoint);
    if (!comparison) continue;
    const { equal, rows, differences, firstDifference } = comparison;
    return {
      ...base,
      ok: equal,
      status: equal ? 'equal' : 'different',
      checkpoint,
      rows,
      differences,
      firstDifference,
      message: equal
        ? `the live read model equals a fresh replay of the log at position ${checkpoint} (${rows} rows)${
            checkpoint < logProjectedHead ? `; it lags the log, whose last projected event is at ${logProjectedHead}` : ''
          }`
        : `${differences} row(s) differ at position ${checkpoint}; first: ${firstDifference?.message ?? ''}`,
    };
  }
  return { ...base, ok: false, status: 'unstable', checkpoint: liveCheckpoint(model), message: 'the live read model kept moving during the comparison; run verify again' };
}

/**
 * Compares the live model with the replay at `checkpoint` (undefined: the
 * live one moved meanwhile). First SQLite's own pass over both files in
 * insertion order, which proves equality of two replays of one log at disk
 * speed; only when it cannot, the row-by-row merge join that names the
 * differences. A replay in memory cannot be attached: merge join only.
 */
function compareAt(model: ReadModel, replayed: ReadModel, scratchFilename: string, checkpoint: number): ReadModelComparison | undefined {
  const atCheckpoint = (): boolean => liveCheckpoint(model) === checkpoint;
  const byPrimaryKey = (): ReadModelComparison | undefined => model.readConsistently(() => (atCheckpoint() ? compareReadModels(model, replayed) : undefined));
  if (scratchFilename === ':memory:') return byPrimaryKey();
  const proven = model.withAttached(scratchFilename, () => model.readConsistently(() => (atCheckpoint() ? model.sameRowsAsAttached() : undefined)));
  if (!proven) return undefined;
  if (proven.equal) return { equal: true, rows: proven.rows, differences: 0 };
  return byPrimaryKey();
}

/** The event before `event` in its stream, as stored (for a chain head not kept in memory). */
async function storedPredecessor(store: EventStore, event: RecordedEvent): Promise<StreamHead | undefined> {
  const stream = await store.readStream(event.streamId);
  const previous = stream.find((candidate) => candidate.revision === event.revision - 1);
  return previous && { revision: previous.revision, hash: previous.hash, position: previous.position };
}

/** Read with the JSON text its adapter stored (`readPages`): its hash is checked over that text. */
function hasStoredText(event: RecordedEvent): event is StoredEvent {
  const stored = event as Partial<StoredEvent>;
  return stored.storedData !== undefined && stored.storedMetadata !== undefined;
}

async function catchUp(store: EventStore, projection: ReadModelProjection, upTo: number, batchSize: number): Promise<void> {
  const batches = readInBatches(store, { after: projection.position(), streamPrefixes: PROJECTED_STREAM_PREFIXES, batchSize, untilPosition: upTo });
  for await (const batch of batches) projection.applyBatch(batch);
}

function notChecked(logProjectedHead: number): ReadModelReport {
  return {
    ok: true,
    status: 'not_checked',
    filename: null,
    checkpoint: 0,
    logProjectedHead,
    rows: 0,
    differences: 0,
    message: 'read model not compared (chain check only)',
  };
}
