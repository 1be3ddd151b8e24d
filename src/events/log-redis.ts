/**
 * The event log in Redis, shared by every instance: a counter gives sequence numbers, a stream capped
 * at `maxLength` holds them for replay (entry id `<seq>-0`), and pub/sub carries them live. One script
 * appends: it checks the fence (the poller's lease), stamps, stores and publishes, so the order
 * subscribers see is the sequence order on every instance. Each instance holds one subscription
 * (through @graphql-yoga/redis-event-target) and fans out to its own listeners; a gap in the sequence
 * (a reconnect dropped messages) is filled from the stream before anything later is handed on.
 */
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { Redis } from 'ioredis';
import { FencedOffError, type EventLog, type LogWindow } from './log.ts';
import type { Fence } from './lease.ts';
import { createListenerIndex } from './routing.ts';
import type { GatewayEvent, Sequenced } from './types.ts';

/** KEYS: counter, stream, lease. ARGV: channel, max length, fence token or '', then each event as JSON. */
const APPEND = `
if ARGV[3] ~= '' and redis.call('GET', KEYS[3]) ~= ARGV[3] then return redis.error_reply('FENCED') end
local seqs = {}
for i = 4, #ARGV do
  local seq = redis.call('INCR', KEYS[1])
  redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], seq .. '-0', 'e', ARGV[i])
  redis.call('PUBLISH', ARGV[1], '{"seq":' .. seq .. ',"event":' .. ARGV[i] .. '}')
  seqs[#seqs + 1] = seq
end
return seqs
`;

interface LogCommands {
  eventLogAppend(counter: string, stream: string, lease: string, channel: string, maxLength: number, fence: string, ...events: string[]): Promise<number[]>;
}

type StreamEntry = [id: string, fields: string[]];

const seqOf = (id: string): number => Number(id.slice(0, id.indexOf('-')));
const entryOf = ([id, fields]: StreamEntry): Sequenced => ({ seq: seqOf(id), event: JSON.parse(fields[1] ?? 'null') as GatewayEvent });

export interface RedisEventLogOptions {
  /** Prefix of the log's keys and channel, e.g. `agora-graphql:<appId>:events`. */
  key: string;
  maxLength: number;
  /** The key of the poller's lease, checked by fenced appends. */
  leaseKey: string;
}

export async function createRedisEventLog(redis: Redis, options: RedisEventLogOptions): Promise<EventLog> {
  redis.defineCommand('eventLogAppend', { numberOfKeys: 3, lua: APPEND });
  const commands = redis as unknown as LogCommands;
  const counter = `${options.key}:seq`;
  const stream = `${options.key}:log`;
  const channel = `${options.key}:live`;
  const subscriber = redis.duplicate();
  const target = createRedisEventTarget({ publishClient: redis, subscribeClient: subscriber });
  const listeners = createListenerIndex();

  async function window(): Promise<LogWindow> {
    const [oldest, last] = await Promise.all([redis.xrange(stream, '-', '+', 'COUNT', 1) as Promise<StreamEntry[]>, redis.get(counter)]);
    const lastSeq = Number(last ?? 0);
    return { oldestSeq: oldest[0] ? seqOf(oldest[0][0]) : lastSeq + 1, lastSeq };
  }

  async function read(afterSeq: number, limit: number) {
    const [entries, w] = await Promise.all([redis.xrange(stream, `${afterSeq + 1}-0`, '+', 'COUNT', limit) as Promise<StreamEntry[]>, window()]);
    return { events: entries.map(entryOf), ...w };
  }

  // Hand events on in sequence order; fill a gap from the stream first. One chain keeps them in order.
  let handed = 0;
  const handOn = (e: Sequenced) => {
    if (e.seq <= handed) return;
    handed = e.seq;
    listeners.dispatch(e);
  };
  const onMessage = (message: Event) => {
    const e = (message as CustomEvent<Sequenced>).detail;
    chain = chain.then(async () => {
      if (e.seq > handed + 1) {
        const missing = await read(handed, e.seq - handed - 1).catch(() => ({ events: [] as Sequenced[] }));
        for (const m of missing.events) if (m.seq < e.seq) handOn(m);
      }
      handOn(e);
    });
  };
  target.addEventListener(channel, onMessage);
  // The event target subscribes without waiting; wait here, so nothing appended after this is missed.
  // What was published before the subscription took is older than this log's listeners.
  let chain = subscriber.subscribe(channel).then(async () => {
    handed = (await window()).lastSeq;
  });
  await chain;

  return {
    async append(events, fence?: Fence) {
      if (events.length === 0) return [];
      const json = events.map((e) => JSON.stringify(e));
      let seqs: number[];
      try {
        seqs = await commands.eventLogAppend(counter, stream, options.leaseKey, channel, options.maxLength, fence ? String(fence.token) : '', ...json);
      } catch (error) {
        if (error instanceof Error && error.message.includes('FENCED')) throw new FencedOffError();
        throw error;
      }
      return seqs.map((seq, i) => ({ seq, event: events[i]! }));
    },
    read,
    window,
    listen: (listener, keys) => listeners.add(listener, keys),
    async close() {
      listeners.clear();
      await chain;
      // Closing the subscriber's connection ends its subscription (an UNSUBSCRIBE first would race the close).
      subscriber.disconnect();
    },
  };
}
