/**
 * Chat files and history exports as the emulator serves them (agora-api.md §2.5): multipart uploads of
 * at most 10 MB, optionally with restricted access (downloads then need the `share-secret` header),
 * kept 7 days; the history of one UTC hour of the last 3 days as a pre-signed URL to a gzipped
 * JSON-lines file, served by the emulator under /_emulator/files/.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { archiveHour } from '../rules.ts';
import { CHAT_LIMITS } from '../../agora/limits.ts';
import type { EmulatorProject } from '../context.ts';
import type { EmulatorRequest, EmulatorResponse, RouteSpec } from '../router.ts';
import { chatRoute, type ChatHandlerContext } from './common.ts';
import { chatError, chatOk, illegal } from './envelope.ts';

const URL_TTL_MS = 3600_000;

const header = (req: EmulatorRequest, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** yyyyMMddHH -> the start of that UTC hour, or undefined. */
function parseHour(time: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(time);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]));
  return archiveHour(ms) === time ? ms : undefined;
}

const signature = (project: EmulatorProject, time: string, expires: string) =>
  createHmac('sha256', project.appCertificate).update(`${project.chatOrg}#${project.chatApp}:${time}:${expires}`).digest('hex');

export function chatFileRoutes(ctx: ChatHandlerContext): RouteSpec[] {
  const chat = () => ctx.state.chat;

  const download = (req: EmulatorRequest): EmulatorResponse => {
    const file = chat().files.get(req.params.file_uuid ?? '');
    if (!file) return chatError(404, 'service_resource_not_found', `file ${req.params.file_uuid ?? ''} does not exist`);
    if (Date.now() - file.created > CHAT_LIMITS.fileRetentionMs) return chatError(404, 'file_expired', `file ${file.uuid} is expired`);
    const presented = header(req, 'share-secret') ?? req.query.get('share-secret') ?? '';
    if (file.secret && !(presented.length === file.secret.length && timingSafeEqual(Buffer.from(presented), Buffer.from(file.secret)))) {
      return chatError(401, 'unauthorized', 'This file has restricted access: give its share-secret.');
    }
    return { status: 200, raw: file.bytes, headers: { 'content-type': file.contentType } };
  };

  return [
    {
      ...chatRoute('chat.files.upload', 'POST', '/chatfiles', async (req) => {
        if (req.rawBody.length > CHAT_LIMITS.fileBytes + 64 * 1024)
          return chatError(413, 'file exceeding maximum limit', 'the file size exceeds the maximum limit.');
        let file: File | null;
        try {
          const form = await new Response(new Uint8Array(req.rawBody), { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
          const value = form.get('file');
          file = value instanceof File ? value : null;
        } catch {
          return illegal('The multipart body cannot be read.');
        }
        if (!file) return illegal('Give the file in a multipart field named "file".');
        if (file.size > CHAT_LIMITS.fileBytes) return chatError(413, 'file exceeding maximum limit', 'the file size exceeds the maximum limit.');
        const restricted = header(req, 'restrict-access') === 'true';
        const stored = {
          uuid: randomUUID(),
          bytes: Buffer.from(await file.arrayBuffer()),
          filename: file.name,
          contentType: file.type || 'application/octet-stream',
          secret: restricted ? randomUUID().replaceAll('-', '') : undefined,
          created: Date.now(),
        };
        chat().files.set(stored.uuid, stored);
        return chatOk(req, ctx.project, {
          action: 'post',
          entities: [{ uuid: stored.uuid, type: 'chatfile', ...(stored.secret ? { 'share-secret': stored.secret } : {}) }],
        });
      }),
      accepts: 'multipart',
    },
    chatRoute('chat.files.download', 'GET', '/chatfiles/:file_uuid', download),
    chatRoute('chat.files.download.post', 'POST', '/chatfiles/:file_uuid', download, 'chat.files.download'),
    chatRoute('chat.messages.history', 'GET', '/chatmessages/:time', (req) => {
      const time = req.params.time ?? '';
      const start = parseHour(time);
      if (start === undefined) return illegal('time must be a UTC hour as yyyyMMddHH');
      const appKey = `${ctx.project.chatOrg}#${ctx.project.chatApp}`;
      const notStored = chatError(404, 'storage_object_not_found', `Failed to find chat message history download URL for appkey: ${appKey}, time: ${time}`);
      if (start > Date.now() || Date.now() - start > CHAT_LIMITS.historyRetentionMs) return notStored;
      const any = [...chat().messages.values()].some((m) => m.timestamp >= start && m.timestamp < start + 3600_000);
      if (!any) return notStored;
      const expires = String(Date.now() + URL_TTL_MS);
      const url = `http://${req.headers.host ?? 'localhost'}/_emulator/files/chatmessages/${time}?Expires=${expires}&Signature=${signature(ctx.project, time, expires)}`;
      return chatOk(req, ctx.project, { data: [{ url }] });
    }),
  ];
}

/** The pre-signed history file: no credentials, only a valid, unexpired signature. */
export function historyFileRoute(ctx: ChatHandlerContext): RouteSpec {
  return {
    name: 'control.files.chatmessages',
    service: 'control',
    method: 'GET',
    pattern: '/_emulator/files/chatmessages/:time',
    handler: (req) => {
      const time = req.params.time ?? '';
      const start = parseHour(time);
      const expires = req.query.get('Expires') ?? '';
      const expected = signature(ctx.project, time, expires);
      const given = req.query.get('Signature') ?? '';
      const valid = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
      if (start === undefined || !valid || Number(expires) < Date.now()) return { status: 403, body: { error: 'The signature is invalid or has expired.' } };
      const lines = [...ctx.state.chat.messages.values()]
        .filter((m) => m.timestamp >= start && m.timestamp < start + 3600_000)
        .map((m) =>
          JSON.stringify({
            msg_id: m.id,
            timestamp: m.timestamp,
            direction: 'outgoing',
            to: m.to,
            from: m.from,
            chat_type: m.chatType,
            payload: { bodies: [{ type: m.type, ...m.body }], ext: m.ext ?? {}, from: m.from, to: m.to },
          }),
        );
      return { status: 200, raw: gzipSync(`${lines.join('\n')}\n`), headers: { 'content-type': 'application/gzip' } };
    },
  };
}
