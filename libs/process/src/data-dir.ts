import { statSync } from 'node:fs';
import { CodedError } from '@app/shared';

/** `DATA_DIR` names no directory: a CLI refuses it rather than create state in a mistyped path. */
export class DataDirMissingError extends CodedError<'DATA_DIR_MISSING'> {
  readonly code = 'DATA_DIR_MISSING' as const;
}

/**
 * `dir` (the configured, resolved `DATA_DIR`) if it is an existing
 * directory. The operator CLIs (audit, keys, relay) read state the service
 * wrote there; only the service itself creates it on first start.
 * @throws DataDirMissingError otherwise.
 */
export function existingDataDir(dir: string): string {
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) {
    throw new DataDirMissingError(
      `DATA_DIR ${dir} ${stat ? 'is not a directory' : 'does not exist'}: set DATA_DIR to the service's data directory (npm start creates it on first start)`,
    );
  }
  return dir;
}

/** `DATA_DIR` exists but this user may not own it (another user's directory): the service cannot make it private. */
export class DataDirNotOwnedError extends CodedError<'DATA_DIR_NOT_OWNED'> {
  readonly code = 'DATA_DIR_NOT_OWNED' as const;
}
