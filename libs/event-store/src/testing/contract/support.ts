import { randomUUID } from 'node:crypto';
import type { EventMetadata, EventStore, ExpectedRevision, NewEvent, Subscription } from '../../event-store.port';

/** What every topic of the contract sees of the running test (read at call time: each test gets a fresh store). */
export interface ContractContext {
  readonly store: EventStore;
  /** Unique per test: `c<12 hex>-`; every stream of the test starts with it. */
  readonly prefix: string;
  /** The head position read at the start of the test. */
  readonly headAtStart: number;
  stream(name: string): string;
  /** The expectation of an append after whatever the stream holds. */
  revisionOf(streamId: string): Promise<ExpectedRevision>;
  /** Subscribes to all streams; the subscription is stopped after the test. */
  subscribe(options: Parameters<EventStore['subscribeToAll']>[0]): Subscription;
}

export function newEvent(
  type = 'TestEvent',
  data: Record<string, unknown> = { value: randomUUID() },
  metadata: EventMetadata = { actor: 'contract-test', occurredAt: new Date().toISOString() },
): NewEvent {
  return { id: randomUUID(), type, data, metadata };
}

export async function expectConcurrencyError(append: Promise<unknown>): Promise<void> {
  await expect(append).rejects.toMatchObject({ code: 'CONCURRENCY' });
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` until it holds; fails the test after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(5);
  }
}
