import pino, { type Logger } from 'pino';

/**
 * One pino logger for the process. Redaction is a second line of defence:
 * no code path logs a token or secret (invariant 2), and if one ever tried,
 * these paths come out as [Redacted].
 */
export function createRootLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'token-service' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'refresh_token',
        'id_token',
        'client_secret',
        'token',
        '*.refresh_token',
        '*.id_token',
        '*.client_secret',
        '*.token',
        '*.password',
      ],
      censor: '[Redacted]',
    },
  });
}
