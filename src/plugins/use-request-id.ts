/**
 * The request's id (src/observability/request-id.ts) in `extensions.requestId` of every result, over HTTP
 * (request errors too) and WebSocket, so that a client can quote it and find the log lines written for it.
 */
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { currentRequestId } from '../observability/request-id.ts';

/** `extensions.requestId` on every result, over HTTP (request errors too) and WebSocket. */
export function useRequestId(): Plugin {
  const stamp = (result: ExecutionResult): ExecutionResult => {
    const requestId = currentRequestId();
    return requestId && result.extensions?.requestId === undefined ? { ...result, extensions: { ...result.extensions, requestId } } : result;
  };
  return {
    onExecute: () => ({
      onExecuteDone({ result, setResult }) {
        if (!(Symbol.asyncIterator in result)) setResult(stamp(result));
      },
    }),
    onResultProcess({ result, setResult }) {
      if (!Array.isArray(result) && !(Symbol.asyncIterator in (result as object))) setResult(stamp(result as ExecutionResult));
    },
  };
}
