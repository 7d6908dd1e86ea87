// Public API of @app/read-model (the only index of this lib): the read model
// (credentials, clients, client grants), the projection that writes it (one fold
// per entity), the runner that feeds it, and the queries.
export { ReadModel, READ_MODEL_FILE_NAME, type ReadModelOptions, type ReadModelRow } from './read-model';
export { READ_MODEL_SCHEMA_VERSION, type ReadModelTable } from './read-model.schema';
export { ReadModelProjection, type ApplyOutcome, type BatchResult, type ReadModelProjectionOptions } from './read-model-projection';
export { ProjectionRunner } from './projection-runner';
export type { ProjectionProgress } from './projection-progress';
export { ReadModelFollower, type ReadModelFollowerOptions } from './read-model-follower';
export {
  CredentialQueries,
  MAX_PER_PAGE,
  MAX_TAKE,
  MAX_USER_SEARCH,
  type UserMatch,
  type DeviceCredentialFilter,
  type DeviceCredentialPage,
  type UserTokenPage,
  type UserTokenOffsetPage,
} from './credential-queries';
export type { CredentialRecord, ClientRecord, ClientGrantRecord, TokenCredential, PresentedCredential } from './records';
export { rebuild, type RebuildOptions, type RebuildResult } from './rebuild';
export { PROJECTED_STREAM_PREFIXES, type ProjectedEvent, type ProjectedEventType } from './projected-events';
export {
  ReadModelError,
  InvalidCursorError,
  InvalidPaginationError,
  RebuildTargetExistsError,
  ReadModelUnreadableError,
  type ReadModelErrorCode,
} from './errors';
