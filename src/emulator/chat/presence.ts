/**
 * Chat presence as the emulator serves it (agora-api.md §2.8): status per device resource with an ext
 * of at most 1 KB, subscriptions of at most 100 users per call for at most 30 days (nobody subscribes to
 * themselves; a user has at most 3,000 subscribers), batch reads of 100 users, the subscription list.
 * These answer `{ result }`. Simulated devices that connect report status "1".
 */
import { z } from 'zod';
import { CHAT_LIMITS } from '../../agora/limits.ts';
import type { EmulatorRequest, EmulatorResponse, RouteSpec } from '../router.ts';
import { bodyObject, chatRoute, check, queryInt, type ChatHandlerContext } from './common.ts';
import { illegal } from './envelope.ts';

const result = (value: unknown): EmulatorResponse => ({ status: 200, body: { result: value } });

export function chatPresenceRoutes(ctx: ChatHandlerContext): RouteSpec[] {
  const chat = () => ctx.state.chat;
  const seconds = (ms: number) => Math.floor(ms / 1000);
  const presenceOf = (uid: string, expiry?: number) => {
    const p = chat().presence.get(uid);
    return {
      uid,
      last_time: seconds(p?.lastChanged ?? 0),
      expiry: expiry === undefined ? 0 : seconds(expiry),
      ext: p?.ext ?? '',
      status: Object.fromEntries(p?.devices ?? []),
    };
  };
  const usernamesIn = (req: EmulatorRequest, tooMany: string) =>
    check(z.object({ usernames: z.array(z.string()).min(1, 'usernames must not be empty').max(CHAT_LIMITS.presenceUsers, tooMany) }), bodyObject(req));
  const withUser = (handler: (req: EmulatorRequest, user: string) => EmulatorResponse) => (req: EmulatorRequest) => {
    const user = req.params.username ?? '';
    return chat().users.has(user) ? handler(req, user) : illegal('resource not exist');
  };

  return [
    chatRoute(
      'chat.presence.subscriptions',
      'GET',
      '/users/:username/presence/sublist',
      withUser((req, user) => {
        const pageNum = queryInt(req, 'pageNum', 1);
        const pageSize = queryInt(req, 'pageSize', 100);
        if (pageNum === 'invalid' || pageNum < 1) return illegal('pageNum must be 1 or more');
        if (pageSize === 'invalid' || pageSize < 1 || pageSize > CHAT_LIMITS.presenceSublistPageSize)
          return illegal(`pageSize must be 1 to ${CHAT_LIMITS.presenceSublistPageSize}`);
        const now = Date.now();
        const all = [...(chat().subscriptions.get(user) ?? [])].filter(([, expiry]) => expiry > now);
        const page = all.slice((pageNum - 1) * pageSize, pageNum * pageSize);
        return result({ totalnum: String(all.length), sublist: page.map(([uid, expiry]) => ({ uid, expiry: String(seconds(expiry)) })) });
      }),
    ),
    chatRoute(
      'chat.presence.set',
      'POST',
      '/users/:username/presence/:resource/:status',
      withUser((req, user) => {
        const parsed = check(z.object({ ext: z.string().optional() }), bodyObject(req) ?? {});
        if (!parsed.ok) return parsed.response;
        const ext = parsed.value.ext ?? '';
        if (Buffer.byteLength(ext) > CHAT_LIMITS.presenceExtBytes) return illegal('ext is too big');
        chat().setPresence(user, req.params.resource ?? '', req.params.status ?? '', ext);
        return result('ok');
      }),
    ),
    chatRoute(
      'chat.presence.subscribe',
      'POST',
      '/users/:username/presence/:expiry',
      withUser((req, user) => {
        const expiry = Number(req.params.expiry);
        if (!Number.isInteger(expiry) || expiry < 1 || expiry > CHAT_LIMITS.presenceMaxExpirySeconds) {
          return illegal(`expiry must be 1 to ${CHAT_LIMITS.presenceMaxExpirySeconds} seconds`);
        }
        const parsed = usernamesIn(req, 'too many sub presence');
        if (!parsed.ok) return parsed.response;
        if (parsed.value.usernames.includes(user)) return illegal("you can't sub yourself");
        let subs = chat().subscriptions.get(user);
        if (!subs) chat().subscriptions.set(user, (subs = new Map()));
        const until = Date.now() + expiry * 1000;
        for (const target of parsed.value.usernames) {
          const subscribers = [...chat().subscriptions.values()].filter((m) => m.has(target)).length;
          if (!subs.has(target) && subscribers >= CHAT_LIMITS.presenceSubscribers)
            return illegal(`${target} already has ${CHAT_LIMITS.presenceSubscribers} subscribers`);
          subs.set(target, until);
        }
        return result(parsed.value.usernames.map((u) => presenceOf(u, until)));
      }),
    ),
    chatRoute(
      'chat.presence.getMany',
      'POST',
      '/users/:username/presence',
      withUser((req) => {
        const parsed = usernamesIn(req, 'too many get presences');
        return parsed.ok ? result(parsed.value.usernames.map((u) => presenceOf(u))) : parsed.response;
      }),
    ),
    chatRoute(
      'chat.presence.unsubscribe',
      'DELETE',
      '/users/:username/presence',
      withUser((req, user) => {
        const parsed = check(z.array(z.string()).min(1).max(CHAT_LIMITS.presenceUsers, 'too many unsub presences'), req.body);
        if (!parsed.ok) return parsed.response;
        for (const target of parsed.value) chat().subscriptions.get(user)?.delete(target);
        return result('ok');
      }),
    ),
  ];
}
