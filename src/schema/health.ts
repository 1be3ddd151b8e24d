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
    authScopes: { public: true },
    type: AgoraMode,
    description: 'Whether this gateway talks to the built-in emulator or to Agora.',
    resolve: (_root, _args, ctx) => ctx.mode,
  }),
}));
