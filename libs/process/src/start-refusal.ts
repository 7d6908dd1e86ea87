import { messageOf } from '@app/shared';

/**
 * EX_CONFIG (sysexits.h): every process that refuses to start because of its
 * configuration exits with this, so a supervisor can tell "change the
 * configuration" (restarting as is fails the same way) from a crash.
 */
export const EXIT_REFUSED = 78;

/**
 * The errors that mean "the operator must change something" (a variable, the
 * DATA_DIR, another process holding it), matched by code or name so this
 * module needs neither @app/config, the event store nor an app.
 */
const REFUSAL_CODES = new Set(['CONFIG_INVALID', 'DATA_DIR_MISSING', 'DATA_DIR_NOT_OWNED', 'DATA_DIR_LOCKED']);
const REFUSAL_NAMES = new Set(['BootstrapRefusedError', 'EventStoreAccessDeniedError']);

/**
 * The one line a refused start prints (no stack trace: the message names the
 * variable and what to do), or undefined when `error` is a fault to report
 * in full.
 */
export function refusalLine(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (!REFUSAL_CODES.has(String(code)) && !REFUSAL_NAMES.has(String(name))) return undefined;
  return messageOf(error)
    .replace(/^invalid configuration:\s*/, '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join('; ');
}
