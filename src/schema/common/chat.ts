import type { ChatClient } from '../../agora/chat/client.ts';
import { chatNotConfigured } from '../../agora/errors.ts';
import type { Context } from '../../context.ts';

/** The Chat client, or UPSTREAM_UNAVAILABLE when this gateway has no Chat configuration. */
export function chatOf(ctx: Context): ChatClient {
  if (!ctx.agora.chat) throw chatNotConfigured();
  return ctx.agora.chat;
}
