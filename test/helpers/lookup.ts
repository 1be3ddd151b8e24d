import type { LookupFunction } from 'node:net';

/**
 * Name resolution for tests that never asks a DNS server: names under `.agora.test` resolve to the
 * loopback address, except those starting with `unresolvable`, which fail as DNS does (ENOTFOUND).
 */
export const testLookup: LookupFunction = (hostname, options, callback) => {
  if (hostname.startsWith('unresolvable') || !hostname.endsWith('.agora.test')) {
    const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
    return callback(error, '', 4);
  }
  if (options.all) return (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  callback(null, '127.0.0.1', 4);
};

/** `http://127.0.0.1:4321` -> `http://<name>.agora.test:4321` */
export const namedHost = (url: string, name: string): string => {
  const u = new URL(url);
  return `http://${name}.agora.test:${u.port}`;
};
