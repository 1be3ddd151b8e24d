import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildRtmToken } from '../../src/agora/access-token.ts';
import {
  AgoraAuthenticationError,
  AgoraBadRequestError,
  AgoraForbiddenError,
  AgoraGoneError,
  AgoraNotFoundError,
  AgoraRateLimitedError,
  AgoraServerError,
  fromResponse,
  parseRetryAfter,
  redact,
} from '../../src/agora/errors.ts';
import { createLogger } from '../../src/observability/logger.ts';

const token = buildRtmToken({ appId: '970CA35de60c44645bbae8a215061b33', appCertificate: '5CFd2fd1755d40ecb72977518be15d3b', userId: 'u', expireSeconds: 60 });

describe('fromResponse', () => {
  it.each([
    [400, AgoraBadRequestError, 'bad_request'],
    [413, AgoraBadRequestError, 'bad_request'],
    [401, AgoraAuthenticationError, 'unauthorized'],
    [403, AgoraForbiddenError, 'forbidden'],
    [404, AgoraNotFoundError, 'not_found'],
    [410, AgoraGoneError, 'gone'],
    [429, AgoraRateLimitedError, 'rate_limited'],
    [408, AgoraServerError, 'unavailable'],
    [500, AgoraServerError, 'unavailable'],
    [503, AgoraServerError, 'unavailable'],
  ])('maps %i to its class', (status, cls, kind) => {
    const error = fromResponse({ service: 'chat', operation: 'chat.getUser', status, body: {}, headers: {} });
    expect(error).toBeInstanceOf(cls);
    expect(error.kind).toBe(kind);
  });

  it("keeps Agora's code, description and request id", () => {
    const error = fromResponse({
      service: 'chat',
      operation: 'chat.getUser',
      status: 404,
      body: { error: 'service_resource_not_found', error_description: 'Service resource not found' },
      headers: { 'x-request-id': 'r-1' },
    });
    expect(error).toMatchObject({ agoraCode: 'service_resource_not_found', requestId: 'r-1', status: 404, detail: 'Service resource not found' });
    expect(error.message).toBe('Agora chat chat.getUser answered 404: Service resource not found');
    const signaling = fromResponse({
      service: 'signaling',
      operation: 'signaling.x',
      status: 400,
      body: { result: 'failed', request_id: '42', message: 'Invalid payload' },
      headers: {},
    });
    expect(signaling).toMatchObject({ requestId: '42' });
    expect(signaling.message).toContain('Invalid payload');
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    const error = fromResponse({ service: 'signaling', operation: 'signaling.x', status: 429, body: {}, headers: { 'retry-after': '3' } });
    expect(error).toMatchObject({ retryAfterMs: 3000, retryable: true });
  });
});

describe('credentials never appear in errors or logs', () => {
  it('redacts tokens and secret-looking keys from error bodies and messages', () => {
    const error = fromResponse({
      service: 'signaling',
      operation: 'signaling.x',
      status: 401,
      body: { message: `bad token ${token}`, appCertificate: 'abc', nested: { customerSecret: 'xyz', ok: 1 } },
      headers: {},
    });
    const shown = JSON.stringify({ message: error.message, body: error.body });
    expect(shown).not.toContain(token);
    expect(shown).not.toContain('xyz');
    expect(error.body).toEqual({ message: 'bad token [redacted token]', appCertificate: '[redacted]', nested: { customerSecret: '[redacted]', ok: 1 } });
    expect(redact('Authorization: Basic dXNlcjpwYXNzd29yZA==')).toBe('Authorization: Basic [redacted]');
  });

  it('redacts credential fields in log lines', () => {
    let written = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        written += chunk.toString();
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info({ req: { headers: { authorization: 'Basic c2VjcmV0', 'x-agora-token': token } }, signaling: { appCertificate: 'cert-value' } }, 'call');
    expect(written).toContain('[redacted]');
    expect(written).not.toContain('c2VjcmV0');
    expect(written).not.toContain(token);
    expect(written).not.toContain('cert-value');
  });
});
