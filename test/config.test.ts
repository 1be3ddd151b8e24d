import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const appId = '970ca35de60c44645bbae8a215061b33';
const cert = '5cfd2fd1755d40ecb72977518be15d3b';
/** Outside emulator mode a gateway must be able to authenticate its callers. */
const AUTH = { AUTH_API_KEY_HASHES: 'a'.repeat(64) };

describe('loadConfig', () => {
  it('runs against the emulator when no Agora credential is set, with documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      agora: { mode: 'emulator' },
      upstream: { retryUnitMs: 1000, timeouts: { connectMs: 5000, headersMs: 15000, bodyMs: 15000 }, budgetMaxWaitMs: 10000 },
    });
  });

  it('runs the emulator in production only when told to, and lets authentication be switched off only explicitly', () => {
    expect(loadConfig({ NODE_ENV: 'production', AGORA_MODE: 'emulator' }).agora).toEqual({ mode: 'emulator' });
    expect(loadConfig({ AGORA_APP_ID: appId, AGORA_APP_CERTIFICATE: cert, AUTH_DISABLED: 'true' }).auth.disabled).toBe(true);
  });

  it('uses Basic auth with a customer key and secret, and the region table of seed 000', () => {
    const c = loadConfig({ ...AUTH, AGORA_APP_ID: appId, AGORA_CUSTOMER_KEY: 'k', AGORA_CUSTOMER_SECRET: 's', AGORA_REGION: 'eu-central-1' });
    expect(c.agora).toEqual({
      mode: 'agora',
      appId,
      signaling: {
        hosts: { primary: 'https://api.agora.io', alternate: 'https://api.sd-rtn.com', regional: 'https://api-eu-west-1.agora.io' },
        credentials: { kind: 'basic', customerKey: 'k', customerSecret: 's' },
      },
    });
  });

  it('uses api.sd-rtn.com as primary in mainland China', () => {
    const c = loadConfig({ ...AUTH, AGORA_APP_ID: appId, AGORA_APP_CERTIFICATE: cert, AGORA_REGION: 'cn-east-1' });
    expect(c.agora.mode === 'agora' && c.agora.signaling.hosts).toEqual({
      primary: 'https://api.sd-rtn.com',
      alternate: 'https://api.agora.io',
      regional: 'https://api-cn-north-1.sd-rtn.com',
    });
  });

  it('uses token auth with only an app certificate, and takes an explicit host list', () => {
    const c = loadConfig({ ...AUTH, AGORA_APP_ID: appId, AGORA_APP_CERTIFICATE: cert, AGORA_RTM_HOSTS: 'http://a.test:1, http://b.test:2' });
    expect(c.agora).toMatchObject({
      signaling: {
        hosts: { primary: 'http://a.test:1', alternate: 'http://b.test:2', regional: undefined },
        credentials: { kind: 'token', appId, appCertificate: cert, serviceUid: 'agora-graphql' },
      },
    });
  });

  it('configures Agora Chat from the host and the app key, or from the org and app names', () => {
    const base = { ...AUTH, AGORA_APP_ID: appId, AGORA_APP_CERTIFICATE: cert, AGORA_CHAT_HOST: 'https://a41.chat.agora.io' };
    const expected = { host: 'https://a41.chat.agora.io', orgName: '41117440', appName: 'demo', appCertificate: cert };
    const fromKey = loadConfig({ ...base, AGORA_CHAT_APP_KEY: '41117440#demo' });
    expect(fromKey.agora.mode === 'agora' && fromKey.agora.chat).toEqual(expected);
    const fromNames = loadConfig({ ...base, AGORA_CHAT_ORG_NAME: '41117440', AGORA_CHAT_APP_NAME: 'demo' });
    expect(fromNames.agora.mode === 'agora' && fromNames.agora.chat).toEqual(expected);
    const without = loadConfig({ ...AUTH, AGORA_APP_ID: appId, AGORA_APP_CERTIFICATE: cert });
    expect(without.agora.mode === 'agora' && without.agora.chat).toBeUndefined();
  });

  it.each([
    [{ AGORA_APP_ID: appId, AGORA_APP_CERTIFICATE: cert, AGORA_CHAT_HOST: 'https://a1.chat.agora.io' }, /Agora Chat needs AGORA_CHAT_HOST and the app key/],
    [
      { AGORA_APP_ID: appId, AGORA_CUSTOMER_KEY: 'k', AGORA_CUSTOMER_SECRET: 's', AGORA_CHAT_HOST: 'https://a1.chat.agora.io', AGORA_CHAT_APP_KEY: 'o#a' },
      /needs AGORA_APP_CERTIFICATE/,
    ],
    [{ AGORA_APP_ID: appId, AGORA_APP_CERTIFICATE: cert, AGORA_CHAT_APP_KEY: 'no-hash' }, /org_name#app_name/],
    [{ AGORA_CUSTOMER_KEY: 'k', AGORA_CUSTOMER_SECRET: 's' }, /AGORA_APP_ID is required/],
    [{ AGORA_APP_ID: 'not-hex' }, /AGORA_APP_ID must be 32 hexadecimal characters/],
    [{ AGORA_APP_ID: appId }, /needs AGORA_CUSTOMER_KEY and AGORA_CUSTOMER_SECRET \(Basic auth\) or AGORA_APP_CERTIFICATE/],
    [{ AGORA_APP_ID: appId, AGORA_RTM_AUTH: 'basic', AGORA_APP_CERTIFICATE: cert }, /AGORA_RTM_AUTH=basic needs/],
    [{ AGORA_APP_ID: appId, AGORA_APP_CERTIFICATE: cert, AGORA_REGION: 'mars-1' }, /AGORA_REGION must be one of/],
    [{ AGORA_APP_ID: appId, AGORA_APP_CERTIFICATE: cert, AGORA_RTM_HOSTS: 'not a url' }, /AGORA_RTM_HOSTS must be/],
    [{ PORT: '70000' }, /PORT/],
    // A production deployment with a credential missing must not serve a fake Agora.
    [{ NODE_ENV: 'production' }, /No Agora credentials are set .* NODE_ENV=production asks for Agora: set them, or AGORA_MODE=emulator/],
    [{ AGORA_MODE: 'agora' }, /No Agora credentials are set .* AGORA_MODE=agora/],
    // Outside emulator mode, callers must be authenticated.
    [{ AGORA_APP_ID: appId, AGORA_APP_CERTIFICATE: cert }, /needs a way to authenticate callers: AUTH_JWT_SECRET, AUTH_JWKS_URL or AUTH_API_KEY_HASHES/],
    [{ ...AUTH, AUTH_API_KEY_HASHES: 'my-plain-key' }, /SHA-256 hashes .* never the keys/],
    [{ AUTH_JWT_SECRET: 'short' }, /at least 32 characters/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
