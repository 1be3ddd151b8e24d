/**
 * The emulator's control API under /_emulator/: simulated SDK clients (login, logout, join, leave),
 * each simulated user's inbox, call counters, fault injection, added latency, settings and reset.
 * It is what tests and demos use to make the emulated project do what real users would.
 */
import type { CallbackRule } from './state.ts';
import { z } from 'zod';
import type { EmulatorContext, EmulatorSettings } from './context.ts';
import type { EmulatorRequest, EmulatorResponse, RouteSpec } from './router.ts';
import { validate } from './validate.ts';

const json = (body: unknown, status = 200): EmulatorResponse => ({ status, body });
const problem = (status: number, message: string): EmulatorResponse => ({ status, body: { error: message } });

const parse = <S extends z.ZodType>(schema: S, req: EmulatorRequest) =>
  validate(schema, req.body ?? {}, (field, message) => problem(400, `${field || 'body'}: ${message ?? 'invalid'}`));

const faultBody = z.object({
  route: z.string().min(1),
  listener: z.string().optional(),
  status: z.number().int().min(100).max(599).optional(),
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
  reset: z.enum(['before', 'after']).optional(),
  times: z.number().int().min(1).default(1),
});
export type FaultInput = z.input<typeof faultBody>;

const settingsBody = z
  .object({
    rateLimits: z.boolean(),
    historyReadyDelayMs: z.number().int().min(0),
    historyHandleTtlMs: z.number().int().min(1),
    recallWindowMs: z.number().int().min(0),
    pushTaskDurationMs: z.number().int().min(0),
  })
  .partial() satisfies z.ZodType<Partial<EmulatorSettings>>;

const latencyBody = z.object({ ms: z.number().int().min(0).max(60_000) });

export function controlRoutes(ctx: EmulatorContext, onReset: () => void): RouteSpec[] {
  const route = (name: string, method: string, path: string, handler: RouteSpec['handler']): RouteSpec => ({
    name: `control.${name}`,
    service: 'control',
    method,
    pattern: `/_emulator${path}`,
    handler,
  });
  const uid = (req: EmulatorRequest) => req.params.uid ?? '';

  return [
    route('info', 'GET', '', () => json({ project: ctx.project, listeners: ctx.listeners(), settings: ctx.settings })),
    route('reset', 'POST', '/reset', () => {
      onReset();
      return json({ reset: true });
    }),
    route('signaling.login', 'POST', '/signaling/clients/:uid/login', (req) => {
      // `event`: whether this made a Login event (a client already online makes none, as with Agora's SDK).
      const changed = ctx.state.signaling.login(uid(req));
      return json({ uid: uid(req), online: true, event: changed ? 'Login' : null });
    }),
    route('signaling.logout', 'POST', '/signaling/clients/:uid/logout', (req) => {
      const changed = ctx.state.signaling.logout(uid(req));
      return json({ uid: uid(req), online: false, event: changed ? 'Logout' : null });
    }),
    route('signaling.join', 'POST', '/signaling/clients/:uid/channels/:channel', (req) => {
      if (!ctx.state.signaling.join(uid(req), req.params.channel ?? '')) {
        return problem(409, `${uid(req)} is not logged in; log in before joining a channel`);
      }
      return json({ uid: uid(req), channel: req.params.channel, joined: true });
    }),
    route('signaling.leave', 'DELETE', '/signaling/clients/:uid/channels/:channel', (req) => {
      ctx.state.signaling.leave(uid(req), req.params.channel ?? '');
      return json({ uid: uid(req), channel: req.params.channel, joined: false });
    }),
    route('signaling.inbox', 'GET', '/signaling/clients/:uid/inbox', (req) =>
      json({
        uid: uid(req),
        online: ctx.state.signaling.isOnline(uid(req)),
        offlineStored: ctx.state.signaling.offlineCount(uid(req)),
        messages: ctx.state.signaling.inbox(uid(req)),
      }),
    ),
    route('signaling.inbox.clear', 'DELETE', '/signaling/clients/:uid/inbox', (req) => {
      ctx.state.signaling.clearInbox(uid(req));
      return json({ uid: uid(req), cleared: true });
    }),
    route('signaling.events', 'GET', '/signaling/events', () => json(ctx.state.signaling.pendingEvents())),
    route('signaling.eventRegions', 'PUT', '/signaling/event-regions', (req) => {
      const regions = (req.body as { regions?: unknown } | undefined)?.regions;
      if (!Array.isArray(regions) || regions.length === 0 || !regions.every((r) => typeof r === 'string' && r.length > 0)) {
        return problem(400, 'regions must be a non-empty list of region names');
      }
      ctx.state.signaling.eventRegions = regions as string[];
      return json({ regions });
    }),
    route('signaling.churn', 'POST', '/signaling/clients/:uid/churn', (req) => {
      // A burst for tests and benchmarks: `times` logins and logouts of one simulated client, at once.
      const times = Number((req.body as { times?: unknown } | undefined)?.times ?? 1);
      if (!Number.isInteger(times) || times < 1 || times > 100_000) return problem(400, 'times must be an integer from 1 to 100000');
      for (let i = 0; i < times; i++) {
        ctx.state.signaling.login(uid(req));
        ctx.state.signaling.logout(uid(req));
      }
      return json({ uid: uid(req), events: times * 2 });
    }),
    route('chat.callbacks', 'PUT', '/chat/callbacks', (req) => {
      const rules = (req.body as { rules?: unknown } | undefined)?.rules;
      const kinds = ['message', 'recall', 'status', 'receipt'];
      const valid =
        Array.isArray(rules) &&
        rules.length <= 4 &&
        rules.every(
          (r) =>
            r &&
            typeof r.url === 'string' &&
            typeof r.secret === 'string' &&
            r.secret.length > 0 &&
            (r.events === undefined || (Array.isArray(r.events) && r.events.every((e: unknown) => kinds.includes(String(e))))),
        );
      if (!valid) return problem(400, 'rules must be at most 4 of { url, secret, events? } (events among message, recall, status, receipt), as in the Console');
      ctx.state.chatCallbackRules = (rules as CallbackRule[]).map(({ url, secret, events }) => ({ url, secret, events }));
      return json({ rules: ctx.state.chatCallbackRules.map((r) => ({ url: r.url })) });
    }),
    route('chat.callbacks.stats', 'GET', '/chat/callbacks', () =>
      json({ rules: ctx.state.chatCallbackRules.map((r) => ({ url: r.url })), ...ctx.callbackStats() }),
    ),
    route('chat.read', 'POST', '/chat/users/:uid/read', (req) => {
      // A simulated SDK client reads a message it received: Agora posts a read_ack callback.
      const messageId = (req.body as { messageId?: unknown } | undefined)?.messageId;
      if (typeof messageId !== 'string') return problem(400, 'messageId is required');
      if (!ctx.state.chat.read(uid(req), messageId)) return problem(404, `${uid(req)} has not received message ${messageId}`);
      return json({ uid: uid(req), read: messageId });
    }),
    route('chat.callbacks.drop', 'POST', '/chat/callbacks/drop', (req) => {
      const times = Number((req.body as { times?: unknown } | undefined)?.times ?? 1);
      if (!Number.isInteger(times) || times < 1 || times > 100_000) return problem(400, 'times must be an integer from 1 to 100000');
      ctx.dropCallbacks(times);
      return json({ dropping: times });
    }),
    route('chat.send', 'POST', '/chat/users/:uid/messages', (req) => {
      // A simulated SDK client sends a text message, or a command (`action`: a transient signal such as typing).
      const b = (req.body ?? {}) as { to?: unknown; chatType?: unknown; text?: unknown; action?: unknown };
      const chatType = b.chatType ?? 'chat';
      const content =
        typeof b.action === 'string'
          ? { type: 'cmd', body: { action: b.action } }
          : typeof b.text === 'string'
            ? { type: 'txt', body: { msg: b.text } }
            : undefined;
      if (typeof b.to !== 'string' || !content || (chatType !== 'chat' && chatType !== 'groupchat' && chatType !== 'chatroom')) {
        return problem(400, 'to and text (or action, for a command) are required; chatType is chat, groupchat or chatroom');
      }
      const chat = ctx.state.chat;
      if (!chat.users.has(uid(req))) return problem(404, `${uid(req)} is not a registered Chat user`);
      const collective = chatType === 'groupchat' ? chat.groups.get(b.to) : chatType === 'chatroom' ? chat.rooms.get(b.to) : undefined;
      if (chatType !== 'chat' && !collective) return problem(404, `no ${chatType === 'groupchat' ? 'group' : 'room'} ${b.to}`);
      const recipients = collective ? [collective.owner, ...collective.members].filter((u) => u !== uid(req)) : [b.to];
      const message = chat.addMessage({ from: uid(req), to: b.to, chatType, ...content, ext: undefined });
      chat.deliver(message, recipients, chatType === 'chatroom');
      return json({ messageId: message.id });
    }),
    route('chat.connect', 'POST', '/chat/users/:uid/connect', (req) => {
      const result = ctx.state.chat.connect(uid(req));
      if (result === 'no-such-user') return problem(404, `${uid(req)} is not a registered Chat user`);
      if (result === 'banned') return problem(409, `${uid(req)} is banned (deactivated) and cannot connect`);
      return json({ username: uid(req), online: true });
    }),
    route('chat.disconnect', 'POST', '/chat/users/:uid/disconnect', (req) => {
      ctx.state.chat.disconnect(uid(req));
      return json({ username: uid(req), online: false });
    }),
    route('chat.inbox', 'GET', '/chat/users/:uid/inbox', (req) =>
      json({
        username: uid(req),
        online: ctx.state.chat.isOnline(uid(req)),
        offlineStored: ctx.state.chat.offlineQueues.get(uid(req))?.size ?? 0,
        messages: ctx.state.chat.inboxes.get(uid(req)) ?? [],
      }),
    ),
    route('chat.presence', 'POST', '/chat/users/:uid/presence', (req) => {
      const p = parse(z.object({ resource: z.string().min(1).default('emulator'), status: z.string().min(1), ext: z.string().optional() }), req);
      if (!p.ok) return p.response;
      if (!ctx.state.chat.users.has(uid(req))) return problem(404, `${uid(req)} is not a registered Chat user`);
      ctx.state.chat.setPresence(uid(req), p.value.resource, p.value.status, p.value.ext);
      return json({ username: uid(req), ...p.value });
    }),
    route('chat.pushes', 'GET', '/chat/pushes', () => json({ pushes: ctx.state.chat.pushes })),
    route('chat.tokens.expire', 'POST', '/chat/tokens/expire', () => {
      const tokens = ctx.state.chatTokens;
      for (const key of tokens.seen) tokens.expired.add(key);
      return json({ expired: tokens.expired.size });
    }),
    route('calls', 'GET', '/calls', () => json({ routes: ctx.traffic.snapshot(), connections: ctx.traffic.connections })),
    route('calls.clear', 'DELETE', '/calls', () => {
      ctx.traffic.resetCounters();
      return json({ cleared: true });
    }),
    route('faults', 'GET', '/faults', () => json({ faults: ctx.traffic.listFaults() })),
    route('faults.add', 'POST', '/faults', (req) => {
      const p = parse(faultBody, req);
      return p.ok ? json({ fault: ctx.traffic.addFault(p.value) }, 201) : p.response;
    }),
    route('faults.clear', 'DELETE', '/faults', () => {
      ctx.traffic.clearFaults();
      return json({ cleared: true });
    }),
    route('latency', 'PUT', '/latency', (req) => {
      const p = parse(latencyBody, req);
      if (!p.ok) return p.response;
      ctx.traffic.latencyMs = p.value.ms;
      return json({ latencyMs: p.value.ms });
    }),
    route('settings', 'PUT', '/settings', (req) => {
      const p = parse(settingsBody, req);
      if (!p.ok) return p.response;
      for (const [k, v] of Object.entries(p.value)) if (v !== undefined) Object.assign(ctx.settings, { [k]: v });
      return json({ settings: ctx.settings });
    }),
  ];
}
