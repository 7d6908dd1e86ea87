// Public API of @app/audit (the only index of this lib): framework-free audit
// queries over the event store, shared by apps/audit (CLI) and the HTTP API.
export { toHistoryEntry, type HistoryEntry, type HistoryData } from './history-entry';
export { tokenHistory, userHistory, clientHistory, type HistoryScanOptions } from './history';
export {
  tokenStateAt,
  stateAt,
  type TokenValidity,
  type ValidityCode,
  type CredentialAtIssue,
  type StateAtOptions,
  type StateAtReport,
} from './state-at';
export { parseInstant } from './instant';
export {
  verify,
  type VerifyOptions,
  type VerifyReport,
  type ChainReport,
  type ReadModelReport,
  type ReadModelStatus,
} from './verify';
export { HashChainVerifier, type ChainBreak, type ChainBreakKind } from './hash-chain';
export { compareReadModels, type ReadModelComparison, type RowDifference, type RowDifferenceKind } from './read-model-diff';
export { exportJsonLines, type ExportLine, type ExportOptions, type ExportResult } from './export';
export { silentProgress, PROGRESS_EVERY, type ProgressReporter } from './progress';
export { AuditError, InvalidTimeError, type AuditErrorCode } from './errors';
