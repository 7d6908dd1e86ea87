/**
 * The one logger port of the libs: pino's `(details, message)` call shape, so
 * a pino or nestjs-pino logger is passed as is. Details never hold a token or
 * a secret (invariant 2): ids, types and positions only.
 */
export interface Logger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** One JSON line per entry on stderr, so a skipped event is never silent when no logger was given. */
export const consoleLogger: Logger = {
  info: (details, message) => console.info(JSON.stringify({ level: 'info', msg: message, ...details })),
  warn: (details, message) => console.warn(JSON.stringify({ level: 'warn', msg: message, ...details })),
  error: (details, message) => console.error(JSON.stringify({ level: 'error', msg: message, ...details })),
};

/** Discards everything (benchmarks, rebuilds whose caller reports on its own). */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
