// Public API of @app/read-model (the only index of this lib): the valid-credential
// read model, the projection that writes it, the runner that feeds it, and the queries.
export { ReadModel, READ_MODEL_FILE_NAME, defaultReadModelFilename, type ReadModelOptions } from './read-model';
export { READ_MODEL_SCHEMA_VERSION } from './read-model.schema';
export {
  CredentialProjection,
  type ApplyOutcome,
  type BatchResult,
  type CredentialProjectionOptions,
} from './credential-projection';
export {
  ProjectionRunner,
  type ProjectionRunnerOptions,
  type ProjectionRunnerState,
  type ProjectionRunnerStatus,
} from './projection-runner';
export {
  CredentialQueries,
  MAX_PER_PAGE,
  MAX_TAKE,
  type DeviceCredentialFilter,
  type DeviceCredentialPage,
  type UserTokenPage,
} from './credential-queries';
export type { CredentialRecord, ClientRecord, ClientGrantRecord } from './records';
export { rebuild, type RebuildOptions, type RebuildResult } from './rebuild';
export { PROJECTED_STREAM_PREFIXES, type ProjectedEvent, type ProjectedEventType } from './projected-events';
export { consoleProjectionLogger, silentProjectionLogger, type ProjectionLogger } from './projection-logger';
export {
  CredentialsError,
  InvalidCursorError,
  InvalidPaginationError,
  RebuildTargetExistsError,
  ProjectionStoppedError,
  RunnerAlreadyStartedError,
  type CredentialsErrorCode,
} from './errors';
