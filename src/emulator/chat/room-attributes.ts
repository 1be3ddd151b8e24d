/**
 * Chat room custom attributes as the emulator serves them (agora-api.md §2.7): at most 100 per room,
 * keys up to 128 characters, values up to 4,096. A user changes only the keys they set, unless the
 * call is forced; the answer lists the keys that took and why the others did not.
 */
import { z } from 'zod';
import { CHAT_LIMITS } from '../../agora/limits.ts';
import type { EmulatorRequest, EmulatorResponse, RouteSpec } from '../router.ts';
import { bodyObject, chatRoute, check, type ChatHandlerContext } from './common.ts';
import { chatOk, forbidden, notFound } from './envelope.ts';
import { isMember } from './collectives.ts';
import type { CollectiveRecord } from './state.ts';

const setBody = z.object({
  metaData: z.record(z.string(), z.string()).refine((m) => Object.keys(m).length > 0, 'metaData must not be empty'),
  autoDelete: z.enum(['DELETE', 'NO_DELETE']).optional(),
});
const keysBody = z.object({ keys: z.array(z.string()).optional() });

export function roomAttributeRoutes(ctx: ChatHandlerContext): RouteSpec[] {
  const inRoom = (handler: (req: EmulatorRequest, room: CollectiveRecord, user: string) => EmulatorResponse) => (req: EmulatorRequest) => {
    const room = ctx.state.chat.rooms.get(req.params.chatroom_id ?? '');
    if (!room) return notFound(`Service resource not found: chat room ${req.params.chatroom_id ?? ''}`);
    const user = req.params.username;
    if (user !== undefined && !isMember(room, user)) return forbidden(`user ${user} is not in chat room ${room.id}`);
    return handler(req, room, user ?? '');
  };

  const set = (forced: boolean) =>
    inRoom((req, room, user) => {
      const parsed = check(setBody, bodyObject(req));
      if (!parsed.ok) return parsed.response;
      const successKeys: string[] = [];
      const errorKeys: Record<string, string> = {};
      for (const [key, value] of Object.entries(parsed.value.metaData)) {
        const current = room.attributes.get(key);
        if (key.length === 0 || key.length > CHAT_LIMITS.roomAttributeKeyMaxLength)
          errorKeys[key] = `keys are 1 to ${CHAT_LIMITS.roomAttributeKeyMaxLength} characters`;
        else if (value.length > CHAT_LIMITS.roomAttributeValueMaxLength)
          errorKeys[key] = `values are at most ${CHAT_LIMITS.roomAttributeValueMaxLength} characters`;
        else if (!forced && current && current.owner !== user) errorKeys[key] = `the key was set by ${current.owner}`;
        else if (!current && room.attributes.size >= CHAT_LIMITS.roomAttributes) errorKeys[key] = `a room has at most ${CHAT_LIMITS.roomAttributes} attributes`;
        else {
          room.attributes.set(key, { value, owner: user });
          successKeys.push(key);
        }
      }
      return chatOk(req, ctx.project, { action: 'put', data: { successKeys, errorKeys } });
    });

  const remove = (forced: boolean) =>
    inRoom((req, room, user) => {
      const parsed = check(keysBody, bodyObject(req) ?? {});
      if (!parsed.ok) return parsed.response;
      const successKeys: string[] = [];
      const errorKeys: Record<string, string> = {};
      for (const key of parsed.value.keys ?? []) {
        const current = room.attributes.get(key);
        if (!current) errorKeys[key] = 'no such key';
        else if (!forced && current.owner !== user) errorKeys[key] = `the key was set by ${current.owner}`;
        else {
          room.attributes.delete(key);
          successKeys.push(key);
        }
      }
      return chatOk(req, ctx.project, { action: 'delete', data: { successKeys, errorKeys } });
    });

  const path = '/metadata/chatroom/:chatroom_id/user/:username';
  return [
    chatRoute('chat.rooms.forceSetAttributes', 'PUT', `${path}/forced`, set(true)),
    chatRoute('chat.rooms.forceRemoveAttributes', 'DELETE', `${path}/forced`, remove(true)),
    chatRoute('chat.rooms.setAttributes', 'PUT', path, set(false)),
    chatRoute('chat.rooms.removeAttributes', 'DELETE', path, remove(false)),
    chatRoute(
      'chat.rooms.getAttributes',
      'POST',
      '/metadata/chatroom/:chatroom_id',
      inRoom((req, room) => {
        const parsed = check(keysBody, bodyObject(req) ?? {});
        if (!parsed.ok) return parsed.response;
        const keys = parsed.value.keys?.length ? parsed.value.keys : [...room.attributes.keys()];
        const data = Object.fromEntries(keys.filter((k) => room.attributes.has(k)).map((k) => [k, room.attributes.get(k)!.value]));
        return chatOk(req, ctx.project, { action: 'post', data });
      }),
    ),
  ];
}
