/**
 * CSRF prevention. A browser sends some requests cross-site without asking the server first (no CORS
 * preflight): a GET, or a POST whose content type a form can send. Such a request runs only when it
 * carries a header no page can add without a preflight: `x-graphql-csrf`, or a credential the gateway
 * reads (`Authorization`, `x-api-key`), which no form or plain link can send. So urql's and Apollo's GET
 * queries with a token pass as they are, and a cross-site form or link is refused before anything runs.
 */
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** The header a client without credentials adds to a GET or a form-encoded POST. */
export const CSRF_HEADER = 'x-graphql-csrf';

/** Headers that a browser never sends cross-site without a preflight, and that make a request safe to run. */
const PREFLIGHTED_BY = [CSRF_HEADER, 'authorization', 'x-api-key'];

/** Content types a page can POST without a preflight (the CORS "simple" ones). */
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

export function preflighted(headers: Headers): boolean {
  const contentType = headers.get('content-type')?.toLowerCase();
  if (contentType && !SIMPLE_CONTENT_TYPES.some((simple) => contentType.startsWith(simple))) return true;
  return PREFLIGHTED_BY.some((name) => headers.has(name));
}

export const CSRF_REFUSAL = `This request could have been sent by any web page (a GET or a form post without credentials): send the header \`${CSRF_HEADER}: 1\`, or your credentials (Authorization or x-api-key), with it`;

export function useCsrfPrevention(): Plugin {
  return {
    onRequestParse({ request }) {
      if (preflighted(request.headers)) return;
      throw createGraphQLError(CSRF_REFUSAL, { extensions: { reason: 'CSRF_HEADER_MISSING', http: { status: 403 } } });
    },
  };
}
