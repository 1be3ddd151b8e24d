/**
 * The agora-graphql command line: load config, build, listen, and stop cleanly on SIGTERM / SIGINT.
 *
 *   agora-graphql [serve]                       the gateway (embedded emulator without Agora credentials)
 *   agora-graphql emulator [--port N] [--host H] the emulator alone
 *   agora-graphql print-schema                  the GraphQL schema as SDL
 *   agora-graphql print-subgraph-schema         the schema as an Apollo Federation subgraph's SDL (FEDERATION=on)
 *   agora-graphql print-endpoints               the Agora Chat coverage table (Markdown)
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './observability/logger.ts';

// Each command imports what it runs, when it runs: a refused configuration or `--help` answers without
// loading the schema, yoga and the emulator (about a second of CPU at start).

const USAGE = `Usage: agora-graphql [command] [options]

Commands:
  serve (default)            Serve GraphQL on PORT (default 4000) at /graphql, with GraphiQL.
                             Without Agora credentials it runs the embedded Agora emulator.
  emulator [--port N] [--host H]
                             Run the Agora emulator alone and print its URL and credentials.
  print-schema               Print the GraphQL schema (SDL).
  print-subgraph-schema      Print the schema as a Federation subgraph's SDL, as _service { sdl } answers it.
  print-endpoints            Print the Agora Chat endpoint coverage table (Markdown).

Configuration is read from the environment; see README.md.`;

function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\nReceived ${signal}; shutting down.\n`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

async function serve(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const { buildApp } = await import('./app.ts');
  const app = await buildApp(config, { logger });
  const started = await app.start();
  onShutdown(() => app.stop());
  logger.info({ graphqlUrl: started.graphqlUrl, mode: config.agora.mode }, 'agora-graphql is serving');
  const lines = [`agora-graphql is serving GraphiQL at ${started.graphqlUrl}`];
  if (started.emulatorUrl) {
    lines.push(`No Agora credentials are set, so it talks to the embedded Agora emulator at ${started.emulatorUrl}`);
  }
  if (app.devTokens) {
    // Development tokens, signed for this process: GraphiQL opens with the admin one.
    lines.push(
      'Development tokens (emulator mode only; send as Authorization: Bearer <token>):',
      `  admin: ${app.devTokens.admin}`,
      `  alice (user): ${app.devTokens.alice}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function emulator(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, host: { type: 'string' } } });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError('--port must be a port number');
  const [{ createEmulator }, { seedDemoData }] = await Promise.all([import('./emulator/server.ts'), import('./emulator/seed.ts')]);
  const instance = createEmulator();
  seedDemoData(instance.state);
  const url = await instance.listen({ port, host: values.host ?? '127.0.0.1', label: 'main' });
  onShutdown(() => instance.close());
  const p = instance.project;
  process.stdout.write(
    [
      `Agora emulator listening at ${url}`,
      `  Signaling REST base:   ${url}/dev/v2/project/${p.appId}`,
      `  Chat REST base:        ${url}/${p.chatOrg}/${p.chatApp}`,
      `  Control API:           ${url}/_emulator`,
      'Credentials it accepts (development values, not secrets):',
      `  AGORA_APP_ID=${p.appId}`,
      `  AGORA_APP_CERTIFICATE=${p.appCertificate}`,
      `  AGORA_CUSTOMER_KEY=${p.customerKey}`,
      `  AGORA_CUSTOMER_SECRET=${p.customerSecret}`,
      `  AGORA_RTM_HOSTS=${url}`,
      `  AGORA_CHAT_HOST=${url}`,
      `  AGORA_CHAT_APP_KEY=${p.chatOrg}#${p.chatApp}`,
      '',
    ].join('\n'),
  );
}

/** Where a command writes; the process's own streams unless a caller (a test) gives others. */
export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/**
 * Runs one command. Resolves with the exit code for commands that finish (print-schema, help, an unknown
 * command); `serve` and `emulator` resolve once listening and keep the process alive.
 */
export async function main(argv: string[], io: Io = process): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  switch (command) {
    case 'serve':
      await serve();
      return 0;
    case 'emulator':
      await emulator(rest);
      return 0;
    case 'print-schema':
      io.stdout.write((await import('./schema/index.ts')).printSchema());
      return 0;
    case 'print-subgraph-schema':
      io.stdout.write((await import('./schema/index.ts')).printSubgraph());
      return 0;
    case 'print-endpoints':
      io.stdout.write((await import('./agora/chat/endpoints.ts')).chatEndpointsMarkdown());
      return 0;
    case '--help':
    case '-h':
    case 'help':
      io.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      io.stderr.write(`Unknown command: ${command}\n\n${USAGE}\n`);
      return 2;
  }
}

/** The command line's exit for a failed start: 78 (configuration) for a bad environment, else 1. */
export function exitOnFailure(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`agora-graphql failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
