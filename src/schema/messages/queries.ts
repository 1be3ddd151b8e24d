/**
 * Reads of Chat's files and of the hourly history archive.
 */
import { FILE_DEFAULTS } from '../../agora/chat/messages.ts';
import { builder } from '../builder.ts';
import { chatOf } from '../common/chat.ts';
import { costRules } from '../common/cost-rules.ts';
import { Message } from './types.ts';

builder.queryFields((t) => ({
  chatFile: t.string({
    authScopes: { user: true },
    description: 'A file uploaded to Agora Chat, base64-encoded (files up to 1 MB through GraphQL).',
    args: { uuid: t.arg.string({ required: true }), secret: t.arg.string(), thumbnail: t.arg.boolean({ defaultValue: FILE_DEFAULTS.thumbnail }) },
    resolve: async (_r, args, ctx) => {
      const bytes = await chatOf(ctx).messages.downloadFile({ uuid: args.uuid, secret: args.secret ?? undefined, thumbnail: args.thumbnail ?? undefined });
      return bytes.toString('base64');
    },
  }),
  chatHistory: t.field({
    authScopes: { admin: true },
    type: [Message],
    description: 'Every Chat message sent in one UTC hour of the last 3 days (Agora allows 10 such reads a minute).',
    args: { hour: t.arg({ type: 'DateTime', required: true }) },
    resolve: (_root, args, ctx) => chatOf(ctx).messages.downloadHistory(args.hour),
  }),
}));

costRules({
  // The archive: its URL and the file.
  'Query.chatHistory': { kind: 'call', calls: 2, children: 'estimate' },
  'Query.chatFile': { kind: 'call' },
});
