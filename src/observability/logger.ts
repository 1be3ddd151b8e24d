/**
 * The process logger (pino, JSON lines). Anything that may hold a credential is redacted by path,
 * and AgoraError redacts its own message and body, so tokens and secrets never reach a log line.
 */
import { pino, type Logger } from 'pino';
import { currentRequestId } from './request-id.ts';

export type { Logger };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*["x-agora-token"]',
  '*.headers["x-agora-token"]',
  '*.appCertificate',
  '*.customerSecret',
  '*.customerKey',
  '*.token',
  '*.*.appCertificate',
  '*.*.customerSecret',
];

export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Whatever is logged while a request is served says which request.
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
