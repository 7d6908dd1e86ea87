import { randomUUID } from 'node:crypto';
import type { EventStore, ExpectedRevision, Subscription } from '../event-store.port';
import { describeAppends } from './contract/appends';
import { describeIntegrity } from './contract/integrity';
import { describeReads } from './contract/reads';
import { describeSubscriptions } from './contract/subscriptions';
import type { ContractContext } from './contract/support';

/**
 * The behaviour every EventStore adapter must show, as one Jest `describe`
 * block. An adapter's int spec calls it with a factory:
 *
 * ```ts
 * describeEventStoreContract('sqlite', async () => {
 *   const store = new SqliteEventStore({ filename: tmpFile() });
 *   return { store, cleanup: () => store.close() };
 * });
 * ```
 *
 * The suite also runs against a shared, real server with data in it: each test
 * writes to streams of its own (random prefix), filters reads by that prefix,
 * and takes positions relative to `headPosition()` read at its start; it never
 * assumes the log is empty or that nobody else appends meanwhile.
 */
export function describeEventStoreContract(
  adapterName: string,
  factory: () => Promise<{ store: EventStore; cleanup(): Promise<void> }>,
): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    /** Unique per test: `c<8 hex>-`; every stream of the test starts with it. */
    let prefix: string;
    let headAtStart: number;
    const subscriptions: Subscription[] = [];

    const stream = (name: string): string => `${prefix}${name}`;
    /** The expectation of an append after whatever the stream holds. */
    const revisionOf = async (streamId: string): Promise<ExpectedRevision> => (await store.readLastEvent(streamId))?.revision ?? 'no_stream';
    const subscribe = (options: Parameters<EventStore['subscribeToAll']>[0]): Subscription => {
      const subscription = store.subscribeToAll(options);
      subscriptions.push(subscription);
      return subscription;
    };

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
      prefix = `c${randomUUID().replace(/-/g, '').slice(0, 12)}-`;
      headAtStart = await store.headPosition();
    });

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
      await cleanup();
    });

    const ctx: ContractContext = {
      get store() {
        return store;
      },
      get prefix() {
        return prefix;
      },
      get headAtStart() {
        return headAtStart;
      },
      stream,
      revisionOf,
      subscribe,
    };
    describeAppends(ctx);
    describeReads(ctx);
    describeIntegrity(ctx);
    describeSubscriptions(ctx);
  });
}
