/** The gateway itself: whether it serves, what it talks to, and a heartbeat to check a stream end to end. */
import { Repeater } from 'graphql-yoga';
import { z } from 'zod';
import { builder } from './builder.ts';

export const AgoraMode = builder.enumType('AgoraMode', {
  description: 'What the gateway talks to.',
  values: {
    EMULATOR: { value: 'emulator', description: 'The built-in Agora emulator (no Agora credentials configured).' },
    AGORA: { value: 'agora', description: "Agora's REST APIs, with the configured credentials." },
  } as const,
});

builder.queryFields((t) => ({
  health: t.string({
    authScopes: { public: true },
    description: 'Answers "ok" while the gateway is serving.',
    resolve: () => 'ok',
  }),
  agoraMode: t.field({
    authScopes: { user: true },
    type: AgoraMode,
    description: 'Whether this gateway talks to the built-in emulator or to Agora.',
    resolve: (_root, _args, ctx) => ctx.mode,
  }),
}));

/** The heartbeat's interval when the subscriber gives none (an explicit null means it too). */
const HEARTBEAT_DEFAULT_SECONDS = 10;

interface Beat {
  sequence: number;
  at: Date;
}

const Heartbeat = builder.objectRef<Beat>('Heartbeat').implement({
  authScopes: { public: true },
  fields: (t) => ({
    sequence: t.exposeInt('sequence', { description: 'Counts from 1 for each subscription.' }),
    at: t.field({ type: 'DateTime', resolve: (b) => b.at }),
  }),
});

builder.subscriptionFields((t) => ({
  heartbeat: t.field({
    type: Heartbeat,
    description: 'A beat at once and then every `intervalSeconds` (1 to 60): lets a client check its WebSocket or SSE stream end to end.',
    authScopes: { user: true },
    args: {
      intervalSeconds: t.arg.int({
        defaultValue: HEARTBEAT_DEFAULT_SECONDS,
        validate: z.number().int().min(1, 'at least 1 second').max(60, 'at most 60 seconds'),
      }),
    },
    subscribe: (_root, args) =>
      new Repeater<Beat>(async (push, stop) => {
        let sequence = 0;
        const beat = () => void push({ sequence: ++sequence, at: new Date() });
        beat();
        const timer = setInterval(beat, (args.intervalSeconds ?? HEARTBEAT_DEFAULT_SECONDS) * 1000);
        await stop;
        clearInterval(timer);
      }),
    resolve: (beat) => beat,
  }),
}));
