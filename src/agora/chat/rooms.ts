/**
 * Agora Chat rooms (agora-api.md §2.7): the shared lifecycle and membership endpoints, create and
 * update, and custom room attributes (at most 100 per room; a user changes only the keys they set
 * unless the call is forced).
 */
import { z } from 'zod';
import { enc, endpoint, type ServiceContext } from '../endpoint.ts';
import { CHAT_LIMITS, COLLECTIVE_WIRE } from '../limits.ts';
import { collectiveFields, collectiveId, createCollectiveEndpoints } from './collectives.ts';
import { envelope, username } from './schemas.ts';

const roomId = collectiveId('room');
const settings = {
  description: collectiveFields.description.optional(),
  maxUsers: z.number().int().min(1).max(COLLECTIVE_WIRE.room.maxUsers.max, `maxUsers must be at most ${COLLECTIVE_WIRE.room.maxUsers.max}`).optional(),
};

const attributeKey = z
  .string()
  .min(1, 'attribute keys must not be empty')
  .max(CHAT_LIMITS.roomAttributeKeyMaxLength, `attribute keys are at most ${CHAT_LIMITS.roomAttributeKeyMaxLength} characters`);
const attributeValue = z
  .string()
  .max(CHAT_LIMITS.roomAttributeValueMaxLength, `attribute values are at most ${CHAT_LIMITS.roomAttributeValueMaxLength} characters`);

/** Which keys took, and why the others did not. */
export interface AttributeChange {
  succeeded: string[];
  failed: Record<string, string>;
}

const changeResponse = envelope({ data: z.object({ successKeys: z.array(z.string()), errorKeys: z.record(z.string(), z.string()).optional() }) });
const toChange = ({ data }: { data: z.infer<typeof changeResponse> }): AttributeChange => ({
  succeeded: data.data.successKeys,
  failed: data.data.errorKeys ?? {},
});

/** A member's room attributes go when they leave, unless asked otherwise. */
export const ROOM_ATTRIBUTE_DEFAULTS = { deleteOnLeave: true } as const;

export function createChatRooms(ctx: ServiceContext) {
  const shared = createCollectiveEndpoints(ctx, 'room');
  const attributePath = (v: { roomId: string; username: string }, forced: boolean) =>
    `/metadata/chatroom/${enc(v.roomId)}/user/${enc(v.username)}${forced ? '/forced' : ''}`;

  const setAttributes = (forced: boolean) =>
    endpoint(ctx, {
      operation: forced ? 'chat.rooms.forceSetAttributes' : 'chat.rooms.setAttributes',
      budget: forced ? 'chat.rooms.forceSetAttributes' : 'chat.rooms.setAttributes',
      method: 'PUT',
      replay: 'idempotent',
      input: z.object({
        roomId,
        username,
        attributes: z
          .record(attributeKey, attributeValue)
          .refine((a) => Object.keys(a).length > 0, 'give at least one attribute')
          .refine((a) => Object.keys(a).length <= CHAT_LIMITS.roomAttributes, `a room has at most ${CHAT_LIMITS.roomAttributes} attributes`),
        /** Remove the user's attributes when they leave the room. */
        deleteOnLeave: z.boolean().default(ROOM_ATTRIBUTE_DEFAULTS.deleteOnLeave),
      }),
      path: (v) => attributePath(v, forced),
      json: (v) => ({ metaData: v.attributes, autoDelete: v.deleteOnLeave ? 'DELETE' : 'NO_DELETE' }),
      response: changeResponse,
      result: toChange,
    });

  const removeAttributes = (forced: boolean) =>
    endpoint(ctx, {
      operation: forced ? 'chat.rooms.forceRemoveAttributes' : 'chat.rooms.removeAttributes',
      budget: forced ? 'chat.rooms.forceRemoveAttributes' : 'chat.rooms.removeAttributes',
      method: 'DELETE',
      replay: 'idempotent',
      input: z.object({ roomId, username, keys: z.array(attributeKey).min(1).max(CHAT_LIMITS.roomAttributes) }),
      path: (v) => attributePath(v, forced),
      json: (v) => ({ keys: v.keys }),
      response: changeResponse,
      result: toChange,
    });

  return {
    ...shared,

    create: endpoint(ctx, {
      operation: 'chat.rooms.create',
      budget: 'chat.rooms.create',
      method: 'POST',
      replay: 'once',
      input: z.object({ name: collectiveFields.name.min(1, 'name must not be empty'), owner: username, members: z.array(username).optional(), ...settings }),
      path: () => '/chatrooms',
      json: (v) => ({ name: v.name, description: v.description, maxusers: v.maxUsers, owner: v.owner, members: v.members }),
      response: envelope({ data: z.object({ id: z.string() }) }),
      result: ({ data }) => data.data.id,
    }),

    update: endpoint(ctx, {
      operation: 'chat.rooms.update',
      budget: 'chat.rooms.update',
      method: 'PUT',
      replay: 'idempotent',
      input: z.object({ id: roomId, name: collectiveFields.name.optional(), ...settings }),
      path: (v) => `/chatrooms/${enc(v.id)}`,
      json: (v) => ({ name: v.name, description: v.description, maxusers: v.maxUsers }),
      response: envelope({ data: z.record(z.string(), z.boolean()) }),
      result: ({ data }) => Object.keys(data.data).filter((k) => data.data[k]),
    }),

    /** Sets attributes as `username`; keys another member set are refused unless forced. */
    setAttributes: setAttributes(false),
    forceSetAttributes: setAttributes(true),

    /** The room's attributes: all of them, or only `keys`. */
    getAttributes: endpoint(ctx, {
      operation: 'chat.rooms.getAttributes',
      budget: 'chat.rooms.getAttributes',
      method: 'POST',
      replay: 'idempotent',
      input: z.object({ roomId, keys: z.array(attributeKey).max(CHAT_LIMITS.roomAttributes).optional() }),
      path: (v) => `/metadata/chatroom/${enc(v.roomId)}`,
      json: (v) => (v.keys ? { keys: v.keys } : {}),
      response: envelope({ data: z.record(z.string(), z.string()) }),
      result: ({ data }) => data.data,
    }),

    removeAttributes: removeAttributes(false),
    forceRemoveAttributes: removeAttributes(true),
  };
}
