import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { StoredEvent } from '@app/event-store';

/** An event whose stored text does not hash to its stored `hash`, with `order`, its place in the read (see HashChainVerifier). */
export interface StoredHashMismatch {
  order: number;
  event: StoredEvent;
}

/** One page as posted to the worker: columns, so the structured clone copies strings and numbers only. */
interface PageMessage {
  orders: number[];
  ids: string[];
  streamIds: string[];
  revisions: number[];
  types: string[];
  prevHashes: string[];
  hashes: string[];
  data: string[];
  metadata: string[];
}

/**
 * The worker's code: integrity.ts's `hashStoredContent` over each event of a
 * page, the events that do not match sent back (the rare case: the caller
 * checks them again over their canonical form, as `eventHashMatches` does).
 * Inline (`eval`) so that it needs no file of its own beside the compiled
 * one, and only node's built-ins; `hash-worker.unit.spec.ts` holds it to
 * `hashStoredContent` byte for byte.
 */
const WORKER_SOURCE = `
const { createHash } = require('node:crypto');
const { workerData } = require('node:worker_threads');
const { port, done } = workerData;
port.on('message', (page) => {
  const mismatches = [];
  for (let i = 0; i < page.orders.length; i++) {
    const content = '{"data":' + page.data[i] + ',"id":' + JSON.stringify(page.ids[i]) + ',"metadata":' + page.metadata[i] +
      ',"revision":' + JSON.stringify(page.revisions[i]) + ',"streamId":' + JSON.stringify(page.streamIds[i]) + ',"type":' + JSON.stringify(page.types[i]) + '}';
    const hash = createHash('sha256').update(page.prevHashes[i]).update('\\n').update(content).digest('hex');
    if (hash !== page.hashes[i]) mismatches.push(i);
  }
  port.postMessage(mismatches);
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
});
`;

/** Pages posted and not yet answered, at most: what the worker may lag behind the read, and all it holds. */
const MAX_PAGES_IN_FLIGHT = 2;
/** A young generation of a few MB: the worker's live data is at most MAX_PAGES_IN_FLIGHT pages. */
const WORKER_YOUNG_GENERATION_MB = 8;

/**
 * SHA-256 of the hash chain on a thread of its own (`audit verify`): the
 * main thread reads, folds and checks each stream's order; this checks the
 * content hashes beside it. Memory is bounded by construction: at most
 * MAX_PAGES_IN_FLIGHT pages wait for the worker; one more blocks `submit`
 * until the oldest is answered (the read waits for the hashing, never the
 * reverse). Mismatches come back in submission order.
 */
export class HashWorker {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  /** Pages the worker has answered (incremented by it, then notified). */
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  /** Pages posted, in order, with their events until answered (only the mismatches' are kept beyond). */
  private readonly inFlight: StoredEvent[][] = [];
  private received = 0;
  private readonly mismatches: StoredHashMismatch[] = [];
  private pageOrders: number[][] = [];

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, done: this.done },
      transferList: [port2],
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    this.worker.unref();
  }

  /** Posts a page of events (with their read order) to be hashed; blocks while MAX_PAGES_IN_FLIGHT pages are unanswered. */
  submit(events: readonly StoredEvent[], orders: readonly number[]): void {
    if (events.length === 0) return;
    while (this.inFlight.length >= MAX_PAGES_IN_FLIGHT) this.receive(true);
    const page: PageMessage = { orders: [...orders], ids: [], streamIds: [], revisions: [], types: [], prevHashes: [], hashes: [], data: [], metadata: [] };
    for (const event of events) {
      page.ids.push(event.id);
      page.streamIds.push(event.streamId);
      page.revisions.push(event.revision);
      page.types.push(event.type);
      page.prevHashes.push(event.prevHash);
      page.hashes.push(event.hash);
      page.data.push(event.storedData);
      page.metadata.push(event.storedMetadata);
    }
    this.port.postMessage(page);
    this.inFlight.push([...events]);
    this.pageOrders.push(page.orders);
    this.receive(false);
  }

  /** The mismatches answered so far (taken: each is returned once). */
  takeMismatches(): StoredHashMismatch[] {
    this.receive(false);
    return this.mismatches.splice(0);
  }

  /** Waits for every page posted, then returns the mismatches not yet taken. */
  finish(): StoredHashMismatch[] {
    while (this.inFlight.length > 0) this.receive(true);
    return this.mismatches.splice(0);
  }

  async close(): Promise<void> {
    this.port.close();
    await this.worker.terminate();
  }

  /** Takes the answers waiting on the port; with `wait`, blocks until at least one more page is answered. */
  private receive(wait: boolean): void {
    if (wait && Atomics.load(this.done, 0) === this.received) {
      // Blocking is the backpressure: the main thread has nothing else to do until the worker catches up.
      if (Atomics.wait(this.done, 0, this.received, 60_000) === 'timed-out') throw new Error('audit verify: the hash worker did not answer within 60 s');
    }
    for (let message = receiveMessageOnPort(this.port); message; message = receiveMessageOnPort(this.port)) {
      const events = this.inFlight.shift() as StoredEvent[];
      const orders = this.pageOrders.shift() as number[];
      this.received++;
      for (const index of message.message as number[]) this.mismatches.push({ order: orders[index], event: events[index] });
    }
  }
}
