import { describe, expect, it } from 'vitest';
import { AgoraAuthenticationError, AgoraInputError, AgoraNotFoundError } from '../../../src/agora/errors.ts';
import { chatErrorEnvelope, chatFetch, startChat } from '../../helpers/chat.ts';

describe('Chat files', () => {
  it('uploads a file as multipart and downloads the same bytes', async () => {
    const { chat } = await startChat();
    const content = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 256));
    const uploaded = await chat.messages.uploadFile({ filename: 'photo.jpg', content, contentType: 'image/jpeg' });
    expect(uploaded.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(uploaded.secret).toBeUndefined();
    const downloaded = await chat.messages.downloadFile({ uuid: uploaded.uuid });
    expect(downloaded.equals(content)).toBe(true);
    expect((await chat.messages.downloadFile({ uuid: uploaded.uuid, thumbnail: true })).length).toBe(content.length);
  });

  it('requires the share-secret of a file uploaded with restricted access', async () => {
    const { chat } = await startChat();
    const uploaded = await chat.messages.uploadFile({ filename: 'private.txt', content: Buffer.from('secret stuff'), restrictAccess: true });
    expect(uploaded.secret).toMatch(/^[0-9a-f]{32}$/);
    expect((await chat.messages.downloadFile({ uuid: uploaded.uuid, secret: uploaded.secret })).toString()).toBe('secret stuff');
    await expect(chat.messages.downloadFile({ uuid: uploaded.uuid })).rejects.toBeInstanceOf(AgoraAuthenticationError);
  });

  it('refuses files over 10 MB before any call, and the emulator refuses them with 413', async () => {
    const { chat, emulator, control } = await startChat();
    const big = Buffer.alloc(10 * 1024 * 1024 + 1);
    await expect(chat.messages.uploadFile({ filename: 'big.bin', content: big })).rejects.toBeInstanceOf(AgoraInputError);
    expect(await control.callCount('chat.files.upload')).toBe(0);
    const form = new FormData();
    form.append('file', new Blob([big]), 'big.bin');
    const encoded = new Response(form);
    const contentType = encoded.headers.get('content-type')!;
    const body = Buffer.from(await encoded.arrayBuffer());
    const raw = await chatFetch(emulator, 'POST', '/chatfiles', { rawBody: body, contentType });
    expect(raw.status).toBe(413);
    expect(raw.body).toEqual(chatErrorEnvelope('file exceeding maximum limit'));
  });

  it('answers 404 for a file that does not exist', async () => {
    const { chat } = await startChat();
    await expect(chat.messages.downloadFile({ uuid: '00000000-0000-0000-0000-000000000000' })).rejects.toBeInstanceOf(AgoraNotFoundError);
  });
});

describe('Chat history export', () => {
  it('gives a signed URL to the gzipped messages of one hour, and the client reads them back', async () => {
    const { chat } = await startChat(['ann', 'ben']);
    const group = await chat.groups.create({ name: 'g', owner: 'ann', members: ['ben'] });
    await chat.messages.send({ from: 'ann', to: { users: ['ben'] }, body: { type: 'text', text: 'hello' }, ext: { k: 'v' } });
    await chat.messages.send({ from: 'ben', to: { groups: [group] }, body: { type: 'location', latitude: 1, longitude: 2, address: 'here' } });
    const urls = await chat.messages.historyFile(new Date());
    expect(urls).toHaveLength(1);
    expect(urls[0]).toMatch(/\/_emulator\/files\/chatmessages\/\d{10}\?Expires=\d+&Signature=[0-9a-f]{64}$/);
    const messages = await chat.messages.downloadHistory(new Date());
    expect(messages).toMatchObject([
      { from: 'ann', to: 'ben', conversation: 'user', bodies: [{ type: 'txt', msg: 'hello' }], ext: { k: 'v' } },
      { from: 'ben', to: group, conversation: 'group', bodies: [{ type: 'loc', lat: '1', lng: '2', addr: 'here' }] },
    ]);
    // A tampered signature is refused.
    const url = urls[0]!;
    const flipped = url.endsWith('0') ? `${url.slice(0, -1)}1` : `${url.slice(0, -1)}0`;
    const tampered = await fetch(flipped);
    expect(tampered.status).toBe(403);
  });

  it('answers storage_object_not_found for an hour without messages, and keeps only 3 days', async () => {
    const { chat, emulator } = await startChat();
    await expect(chat.messages.historyFile(new Date())).rejects.toBeInstanceOf(AgoraNotFoundError);
    await expect(chat.messages.historyFile(new Date(Date.now() - 4 * 24 * 3600_000))).rejects.toBeInstanceOf(AgoraInputError);
    const raw = await chatFetch(emulator, 'GET', '/chatmessages/2020010100');
    expect(raw.body).toEqual(chatErrorEnvelope('storage_object_not_found', /time: 2020010100/));
    expect((await chatFetch(emulator, 'GET', '/chatmessages/2020133100')).status).toBe(400);
  });
});
