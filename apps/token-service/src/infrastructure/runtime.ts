import { join } from 'node:path';
import type { Logger } from 'pino';
import { ReadModelProjection, CredentialQueries, ProjectionRunner, READ_MODEL_FILE_NAME, ReadModel } from '@app/read-model';
import type { EventStore } from '@app/event-store';
import { EventStoreDbEventStore, SqliteEventStore } from '@app/event-store';

import { claimDataDir, type Clock, cryptoIds, type IdGenerator, type ProcessLock, systemClock } from '@app/shared';
import { KeyStore, SecretSealer } from '@app/signing';
import { assertDataKeyOpensSealedSecrets } from './data-key-check';
import type { AppConfig } from '../config/config';
import { createRootLogger } from './logger';

/**
 * Everything the service holds open, built in dependency order by plain code
 * (not by the DI container), so start-up order and shutdown order are explicit:
 * event store -> read model -> projection (caught up before we serve) -> keys.
 */
export interface Runtime {
  config: AppConfig;
  logger: Logger;
  clock: Clock;
  ids: IdGenerator;
  store: EventStore;
  readModel: ReadModel;
  projection: ReadModelProjection;
  runner: ProjectionRunner;
  queries: CredentialQueries;
  keys: KeyStore;
  sealer: SecretSealer;
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
}

/** Opens the configured store; EventStoreDB is waited for (logged per attempt) and a refusal of our credentials stops the start. */
export async function openEventStore(config: AppConfig, logger: Logger): Promise<EventStore> {
  if (config.eventStore === 'eventstoredb') {
    const store = new EventStoreDbEventStore({
      connectionString: config.eventStoreConnectionString!,
      operationTimeoutMs: config.eventStoreOperationTimeoutMs,
    });
    try {
      await store.waitUntilReachable((message, attempt) => logger.warn({ attempt }, message));
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }
  return new SqliteEventStore({ filename: join(config.dataDir, 'events.sqlite') });
}

export async function openRuntime(config: AppConfig, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const logger = overrides.logger ?? createRootLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? cryptoIds;
  // DATA_DIR 0700, one token-service per DATA_DIR (its read model): a second one refuses to start and names the first.
  const lock = claimDataDir(config.dataDir, 'token-service', logger);
  try {
    return await openLocked(config, logger, clock, ids, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function openLocked(config: AppConfig, logger: Logger, clock: Clock, ids: IdGenerator, lock: ProcessLock): Promise<Runtime> {
  const keysDir = join(config.dataDir, 'keys');
  const keys = await KeyStore.open({ dir: keysDir, keysJson: process.env.SIGNING_KEYS, keysFile: process.env.SIGNING_KEYS_FILE, clock });
  const sealer = await SecretSealer.load({ dir: keysDir, dataKey: process.env.DATA_KEY });

  const store = await openEventStore(config, logger);
  const readModel = new ReadModel({ filename: join(config.dataDir, READ_MODEL_FILE_NAME) });
  const projectionLogger = logger.child({ component: 'credential-projection' });
  const projection = new ReadModelProjection(readModel, { logger: projectionLogger });
  const runner = new ProjectionRunner(store, projection, { logger: projectionLogger });
  const queries = new CredentialQueries(readModel);
  runner.start();
  try {
    // Serve only a read model that has caught up with the log, else a revoked
    // token could be accepted right after a restart (invariant 6).
    await runner.caughtUp;
    assertDataKeyOpensSealedSecrets(queries, sealer);
  } catch (error) {
    await runner.stop();
    readModel.close();
    await store.close();
    throw error;
  }

  // Pick up keys rotated by `npm run keys -- rotate` (or another replica) without a restart.
  const keyReload =
    keys.source === 'directory'
      ? setInterval(() => {
          keys.reload().catch((error: unknown) => logger.error({ err: error }, 'reloading signing keys failed'));
        }, config.keysReloadIntervalMs).unref()
      : undefined;

  return {
    config,
    logger,
    clock,
    ids,
    store,
    readModel,
    projection,
    runner,
    queries,
    keys,
    sealer,
    async close() {
      try {
        clearInterval(keyReload);
        await runner.stop();
        readModel.close();
        await store.close();
      } finally {
        lock.release();
      }
    },
  };
}
