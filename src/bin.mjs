#!/usr/bin/env -S node --max-semi-space-size=16
// The `agora-graphql` command. The sources are TypeScript that Node 24 runs as it is (type stripping:
// the sources use only erasable syntax), so there is no build step between `npm install` and `npm start`.
// Node keeps what it compiled (and the stripped sources) in its compile cache under the temp directory:
// the next start skips compiling them again. Where the cache cannot be written, Node goes on without.
//
// The shebang's flag caps V8's young generation at 16 MB a semi-space. Left to V8, the gateway's grew to
// 16 to 41 MB under bench/bursts.ts, and its scavenges, which fall while a burst of requests is in
// flight, paused it 10 to 17 ms each (p50 10 ms, against the minimal proxy's 1.7): the slowest 1% of a
// burst's reads. With the cap, the p99 of bursts is within 1.1 of the proxy's (README, "Performance").
// `npm start` and the Dockerfile's CMD give the same flags (test/runtime.test.ts), and the benchmarks
// start the gateway with them (bench/lib/stack.ts).
(await import('node:module')).enableCompileCache?.();
const { main, exitOnFailure } = await import('./main.ts');
main(process.argv.slice(2)).then((code) => {
  if (code !== 0) process.exitCode = code;
}, exitOnFailure);
