/**
 * Chat user attributes as the emulator serves them (agora-api.md §2.4): form-encoded set, get, batch
 * get of at most 100 users, delete, capacity; at most 2 KB per user. These answer a bare
 * `{ timestamp, data, duration }`.
 */
import { z } from 'zod';
import { attributeBytes } from '../rules.ts';
import { CHAT_LIMITS } from '../../agora/limits.ts';
import type { EmulatorResponse, RouteSpec } from '../router.ts';
import { bodyObject, chatRoute, check, type ChatHandlerContext } from './common.ts';
import { illegal } from './envelope.ts';

const bare = (data: unknown): EmulatorResponse => ({ status: 200, body: { timestamp: Date.now(), data, duration: 0 } });

const batchBody = z.object({
  targets: z.array(z.string()).min(1, 'targets must not be empty').max(CHAT_LIMITS.metadataTargets, `targets: at most ${CHAT_LIMITS.metadataTargets} users`),
  properties: z.array(z.string()).min(1, 'properties must not be empty'),
});

export function chatMetadataRoutes(ctx: ChatHandlerContext): RouteSpec[] {
  const chat = () => ctx.state.chat;
  return [
    chatRoute('chat.metadata.capacity', 'GET', '/metadata/user/capacity', () => bare(chat().attributesCapacity())),
    chatRoute('chat.metadata.getMany', 'POST', '/metadata/user/get', (req) => {
      const parsed = check(batchBody, bodyObject(req));
      if (!parsed.ok) return parsed.response;
      const out: Record<string, Record<string, string>> = {};
      for (const user of parsed.value.targets) {
        const all = chat().attributes.get(user);
        if (!all) continue;
        const picked = Object.fromEntries(parsed.value.properties.filter((k) => k in all).map((k) => [k, all[k]!]));
        if (Object.keys(picked).length > 0) out[user] = picked;
      }
      return bare(out);
    }),
    {
      ...chatRoute('chat.metadata.set', 'PUT', '/metadata/user/:username', (req) => {
        const name = req.params.username ?? '';
        if (!chat().users.has(name)) return illegal(`user ${name} does not exist`);
        const given = bodyObject(req) ?? {};
        const entries = Object.entries(given).filter((e): e is [string, string] => typeof e[1] === 'string');
        if (entries.length === 0) return illegal('give at least one attribute as a form field');
        const merged = { ...chat().attributes.get(name), ...Object.fromEntries(entries) };
        if (attributeBytes(merged) > CHAT_LIMITS.metadataBytesPerUser) {
          return illegal(`the attributes of ${name} would exceed ${CHAT_LIMITS.metadataBytesPerUser} bytes`);
        }
        chat().attributes.set(name, merged);
        return bare(Object.fromEntries(entries));
      }),
      accepts: 'form',
    },
    chatRoute('chat.metadata.get', 'GET', '/metadata/user/:username', (req) => bare(chat().attributes.get(req.params.username ?? '') ?? {})),
    chatRoute('chat.metadata.delete', 'DELETE', '/metadata/user/:username', (req) => {
      chat().attributes.delete(req.params.username ?? '');
      return bare(true);
    }),
  ];
}
