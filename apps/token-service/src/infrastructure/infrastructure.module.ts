import { join } from 'node:path';
import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { clientDecider, clientGrantDecider, clientGrantStreamId, clientStreamId } from '@app/clients';
import { ReadModelProjection, CredentialQueries, ProjectionRunner, type ProjectionProgress, READ_MODEL_FILE_NAME, ReadModel, ReadModelFollower } from '@app/read-model';
import { openEventStore } from '@app/event-store';
import { refreshTokenDecider, refreshTokenStreamId } from '@app/refresh-tokens';
import type { RevocationRelayHandle } from '@app/revocation-relay';
import { type Clock, cryptoIds, type IdGenerator, systemClock } from '@app/shared';
import { claimDataDir, type ProcessLock } from '@app/process';
import { KeyStore, SecretSealer } from '@app/signing';
import { DeciderCommandHandler } from '../commands/decider-command-handler';
import { ConsistentReads } from '../consistency/consistent-reads';
import { ProjectionSync } from '../consistency/projection-sync';
import { type AppConfig, eventStoreConfig } from '@app/config';
import { configValueProviders } from './config-values';
import { startEmbeddedRelay } from './embedded-relay';
import { startServedLog } from '../audit/embedded-verifiable-log';
import type { ServedLog } from '@app/verifiable-log';
import { assertDataKeyOpensSealedSecrets } from './data-key-check';
import { createRootLogger } from './logger';
import {
  CLIENT_COMMANDS,
  CLIENT_GRANT_COMMANDS,
  CLOCK,
  CONFIG,
  EVENT_STORE,
  ID_GENERATOR,
  LOGGER,
  PROJECTION_PROGRESS,
  provideValue,
  REFRESH_TOKEN_COMMANDS,
  REVOCATION_RELAY,
  VERIFIABLE_LOG,
} from './tokens';

/**
 * What this process is: the whole service (`single`, WORKERS=1), or a cluster
 * worker (WORKERS > 1, the primary holds the DATA_DIR lock): the `projector`
 * writes the read model and runs the embedded relay, each `follower` reads
 * that file and appends to the shared log.
 */
export type ProcessRole = 'single' | 'projector' | 'follower';

/** An opened InfrastructureModule and how to close what it opened, in reverse order. */
export interface OpenedInfrastructure {
  module: DynamicModule;
  /** The process's root logger, for Nest's own lines before the container exists. */
  logger: Logger;
  close(): Promise<void>;
}

/**
 * What the service holds open, each piece its own provider (a typed token, or
 * its class). Opened in dependency order by plain code, not by the container,
 * so start-up and shutdown order stay explicit: DATA_DIR lock -> keys ->
 * event store -> read model -> projection (caught up before we serve) ->
 * embedded relay.
 */
@Module({})
export class InfrastructureModule {
  static async open(config: AppConfig, role: ProcessRole = 'single'): Promise<OpenedInfrastructure> {
    const logger = createRootLogger(config.logLevel);
    // DATA_DIR 0700, one token-service per DATA_DIR (its read model): a second one refuses to start and names the first.
    // Cluster workers run under their primary's lock.
    const lock = role === 'single' ? claimDataDir(config.dataDir, 'token-service', logger) : undefined;
    try {
      return await openLocked(config, role === 'single' ? logger : logger.child({ worker: role, pid: process.pid }), role, lock);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }
}

async function openLocked(config: AppConfig, logger: Logger, role: ProcessRole, lock: ProcessLock | undefined): Promise<OpenedInfrastructure> {
  const clock: Clock = systemClock;
  const ids: IdGenerator = cryptoIds;
  const keysDir = join(config.dataDir, 'keys');
  const keys = await KeyStore.open({ dir: keysDir, keysJson: config.signingKeys, keysFile: config.signingKeysFile, clock });
  const sealer = await SecretSealer.load({ dir: keysDir, dataKey: config.dataKey });

  // EventStoreDB is waited for (logged per attempt); a refusal of our credentials stops the start.
  const store = await openEventStore(eventStoreConfig(config), { onWaiting: (message, attempt) => logger.warn({ attempt }, message) });
  const follower = role === 'follower';
  const readModelFile = join(config.dataDir, READ_MODEL_FILE_NAME);
  const readModel = follower ? ReadModel.openReadOnly(readModelFile) : new ReadModel({ filename: readModelFile });
  const projectionLogger = logger.child({ component: 'credential-projection' });
  const projection = new ReadModelProjection(readModel, { logger: projectionLogger });
  // A follower waits on the projector's checkpoint in the shared file; both are a ProjectionProgress.
  const runner: ProjectionProgress = follower
    ? new ReadModelFollower(readModel, { checkpointName: projection.name })
    : new ProjectionRunner(store, projection, { logger: projectionLogger });
  const queries = new CredentialQueries(readModel);
  const closeStores = async (): Promise<void> => {
    await runner.stop();
    readModel.close();
    await store.close();
  };
  let relay: RevocationRelayHandle | undefined;
  let verifiableLog: ServedLog | undefined;
  runner.start();
  try {
    // Serve only a read model that has caught up with the log, else a revoked
    // token could be accepted right after a restart (invariant 6).
    await runner.caughtUp;
    assertDataKeyOpensSealedSecrets(queries, sealer);
    if (!follower) relay = startEmbeddedRelay(config, store, keys, logger, ids);
    if (!follower) verifiableLog = startServedLog(config, store, logger, relay !== undefined);
  } catch (error) {
    await closeStores();
    throw error;
  }

  // Pick up keys rotated by `npm run keys -- rotate` (or another replica) without a restart.
  const keyReload =
    keys.source === 'directory'
      ? setInterval(() => {
          keys.reload().catch((error: unknown) => logger.error({ err: error }, 'reloading signing keys failed'));
        }, config.keysReloadIntervalMs).unref()
      : undefined;

  const sync = new ProjectionSync(runner, store, config.readYourWritesTimeoutMs);
  const deps = { store, ids, writes: sync };
  const providers = [
    provideValue(CONFIG, config),
    ...configValueProviders(config),
    provideValue(LOGGER, logger),
    provideValue(CLOCK, clock),
    provideValue(ID_GENERATOR, ids),
    provideValue(EVENT_STORE, store),
    provideValue(REVOCATION_RELAY, relay),
    provideValue(VERIFIABLE_LOG, verifiableLog),
    { provide: KeyStore, useValue: keys },
    { provide: SecretSealer, useValue: sealer },
    { provide: ReadModel, useValue: readModel },
    { provide: ReadModelProjection, useValue: projection },
    provideValue(PROJECTION_PROGRESS, runner),
    { provide: ProjectionSync, useValue: sync },
    { provide: CredentialQueries, useValue: queries },
    provideValue(REFRESH_TOKEN_COMMANDS, DeciderCommandHandler(refreshTokenDecider, refreshTokenStreamId, deps)),
    provideValue(CLIENT_COMMANDS, DeciderCommandHandler(clientDecider, clientStreamId, deps)),
    provideValue(CLIENT_GRANT_COMMANDS, DeciderCommandHandler(clientGrantDecider, clientGrantStreamId, deps)),
  ];
  return {
    module: {
      module: InfrastructureModule,
      global: true,
      providers: [...providers, ConsistentReads],
      exports: [...providers.map((p) => p.provide), ConsistentReads],
    },
    logger,
    async close() {
      try {
        clearInterval(keyReload);
        await verifiableLog?.stop();
        await relay?.close();
        await closeStores();
      } finally {
        lock?.release();
      }
    },
  };
}
