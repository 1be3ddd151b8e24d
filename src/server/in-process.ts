/**
 * The in-process door: a fetch `Request` answered as the HTTP door answers GraphQL (the same credentials,
 * request id, fresh-read header and yoga pipeline), without a socket or a port. Embedders and the
 * schema's tests use it; probes, callbacks, GraphiQL and WebSockets are the HTTP door's alone.
 */
import type { YogaServerInstance } from 'graphql-yoga';
import { AuthenticationError, type Authenticator } from '../auth/viewer.ts';
import type { Context } from '../context.ts';
import { requestIdFrom, withRequestId } from '../observability/request-id.ts';
import { requestHeadersOf, unauthenticatedAnswer, type ServerContext } from './http-server.ts';

export type InProcessFetch = (request: Request) => Promise<Response>;

export function createInProcessDoor(yoga: YogaServerInstance<ServerContext, Context>, authenticator: Authenticator): InProcessFetch {
  return (request) => {
    const id = requestIdFrom(request.headers.get('x-request-id') ?? undefined);
    return withRequestId(id, async () => {
      const answer = await answerOf(request);
      answer.headers.set('x-request-id', id);
      return answer;
    });
  };

  async function answerOf(request: Request): Promise<Response> {
    const { credentials, fresh } = requestHeadersOf((name) => request.headers.get(name) ?? undefined);
    let viewer;
    try {
      viewer = await authenticator.viewerOf(credentials);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      const refusal = unauthenticatedAnswer(error.message);
      return new Response(refusal.body, { status: refusal.status, headers: refusal.headers });
    }
    return yoga.fetch(request, { scope: { viewer, signal: request.signal, fresh } });
  }
}
