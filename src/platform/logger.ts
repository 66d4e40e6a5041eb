import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Credentials are redacted at the source so that no
 * transport or log shipper can leak them.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'headers.authorization',
          'headers.cookie',
          'password',
          '*.password',
          'token',
          '*.token',
          // Database errors carry the statement's parameters (PGlite: params, queryOptions):
          // token and session hashes, e-mail addresses. The statement text itself has none.
          'err.params',
          'err.parameters',
          'err.queryOptions',
          '*.err.params',
          '*.err.parameters',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? process.stderr,
  );
}
