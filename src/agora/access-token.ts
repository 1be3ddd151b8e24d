/**
 * Agora token builders and verifiers.
 *
 * - AccessToken2 ("007"), the current format: RTC, RTM and Chat services. Follows Agora's reference
 *   builder `AccessToken2.js` (AgoraIO/Tools, DynamicKey/AgoraDynamicKey/nodejs) byte for byte; the
 *   output is deflated with node:zlib, so the published vectors are reproduced exactly.
 * - AccessToken ("006"), the older format that RTM 1.x login tokens use (`RtmTokenBuilder.js`).
 *
 * Verification (used by the emulator) decodes, inflates and recomputes the HMAC over the signed bytes;
 * it never compares token strings, because deflate output differs between zlib implementations.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { crc32, deflateSync, inflateSync } from 'node:zlib';

/** Service types of AccessToken2. */
export const ServiceType = {
  rtc: 1,
  rtm: 2,
  chat: 5,
} as const;
export type ServiceTypeName = keyof typeof ServiceType;

export const RtcPrivilege = { joinChannel: 1, publishAudio: 2, publishVideo: 3, publishData: 4 } as const;
export const RtmPrivilege = { login: 1 } as const;
export const ChatPrivilege = { user: 1, app: 2 } as const;
/** The RTM login privilege of the older 006 format; its value is an absolute expiry timestamp. */
export const LEGACY_RTM_LOGIN_PRIVILEGE = 1000;

/** One service of an AccessToken2: its privileges (privilege id -> lifetime in seconds) and its fields. */
export type TokenService =
  | { type: 'rtc'; privileges: Map<number, number>; channelName: string; uid: string }
  | { type: 'rtm'; privileges: Map<number, number>; userId: string }
  | { type: 'chat'; privileges: Map<number, number>; userId: string };

export interface AccessToken2Input {
  appId: string;
  appCertificate: string;
  /** Seconds since the epoch when the token is issued. Defaults to now. */
  issueTs?: number;
  /** Lifetime in seconds, relative to issueTs. */
  expireSeconds: number;
  /** 1..99999999; random by default. */
  salt?: number;
  services: TokenService[];
}

export interface DecodedAccessToken2 {
  appId: string;
  issueTs: number;
  expireSeconds: number;
  salt: number;
  services: TokenService[];
  /** True when the signature matches the app certificate given to the decoder. */
  signatureValid: boolean;
}

class ByteWriter {
  private readonly parts: Buffer[] = [];
  u16(value: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(value);
    this.parts.push(b);
    return this;
  }
  u32(value: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value >>> 0);
    this.parts.push(b);
    return this;
  }
  i16(value: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16LE(value);
    this.parts.push(b);
    return this;
  }
  bytes(value: Buffer | string): this {
    const b = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    this.u16(b.length);
    this.parts.push(b);
    return this;
  }
  raw(value: Buffer): this {
    this.parts.push(value);
    return this;
  }
  /** uint16 count, then (uint16 key, uint32 value) pairs sorted by key, as Agora's `putTreeMapUInt32`. */
  map(entries: Map<number, number>): this {
    const keys = [...entries.keys()].sort((a, b) => a - b);
    this.u16(keys.length);
    for (const key of keys) this.u16(key).u32(entries.get(key) ?? 0);
    return this;
  }
  pack(): Buffer {
    return Buffer.concat(this.parts);
  }
}

class ByteReader {
  private offset = 0;
  private readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  u16(): number {
    const v = this.buf.readUInt16LE(this.offset);
    this.offset += 2;
    return v;
  }
  u32(): number {
    const v = this.buf.readUInt32LE(this.offset);
    this.offset += 4;
    return v;
  }
  bytes(): Buffer {
    const length = this.u16();
    if (this.offset + length > this.buf.length) throw new TokenFormatError('truncated token');
    const v = this.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return v;
  }
  string(): string {
    return this.bytes().toString('utf8');
  }
  map(): Map<number, number> {
    const count = this.u16();
    const out = new Map<number, number>();
    for (let i = 0; i < count; i++) {
      const key = this.u16();
      out.set(key, this.u32());
    }
    return out;
  }
  rest(): Buffer {
    return this.buf.subarray(this.offset);
  }
  get position(): number {
    return this.offset;
  }
  get done(): boolean {
    return this.offset >= this.buf.length;
  }
}

/** A token that cannot be decoded at all (bad prefix, bad base64, bad deflate stream, truncated). */
export class TokenFormatError extends Error {
  override readonly name = 'TokenFormatError';
}

const hmac = (key: Buffer | string, message: Buffer | string): Buffer => createHmac('sha256', key).update(message).digest();

const u32Bytes = (value: number): Buffer => new ByteWriter().u32(value).pack();

const sameBytes = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

/** Runs a decoder; any read past the end of the payload becomes TokenFormatError. */
function decoding<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof TokenFormatError) throw error;
    throw new TokenFormatError('token payload is truncated');
  }
}

function signingKey2(appCertificate: string, issueTs: number, salt: number): Buffer {
  return hmac(u32Bytes(salt), hmac(u32Bytes(issueTs), appCertificate));
}

function packService(service: TokenService): Buffer {
  const w = new ByteWriter().u16(ServiceType[service.type]).map(service.privileges);
  switch (service.type) {
    case 'rtc':
      return w.bytes(service.channelName).bytes(service.uid).pack();
    case 'rtm':
    case 'chat':
      return w.bytes(service.userId).pack();
  }
}

const randomSalt = (): number => randomInt(1, 99_999_999);
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Builds an AccessToken2 ("007…") exactly as Agora's reference builder does. */
export function buildAccessToken2(input: AccessToken2Input): string {
  const issueTs = input.issueTs ?? nowSeconds();
  const salt = input.salt ?? randomSalt();
  // Services are packed in ascending type order, as the reference builder's object keyed by type does.
  const services = [...input.services].sort((a, b) => ServiceType[a.type] - ServiceType[b.type]);
  const signingInfo = new ByteWriter()
    .bytes(input.appId)
    .u32(issueTs)
    .u32(input.expireSeconds)
    .u32(salt)
    .u16(services.length)
    .raw(Buffer.concat(services.map(packService)))
    .pack();
  const signature = hmac(signingKey2(input.appCertificate, issueTs, salt), signingInfo);
  const content = new ByteWriter().bytes(signature).raw(signingInfo).pack();
  return `007${deflateSync(content).toString('base64')}`;
}

function readService(r: ByteReader): TokenService | undefined {
  const type = r.u16();
  const privileges = r.map();
  switch (type) {
    case ServiceType.rtc:
      return { type: 'rtc', privileges, channelName: r.string(), uid: r.string() };
    case ServiceType.rtm:
      return { type: 'rtm', privileges, userId: r.string() };
    case ServiceType.chat:
      return { type: 'chat', privileges, userId: r.string() };
    default:
      // Types we do not model carry fields we cannot skip safely, so decoding stops here.
      return undefined;
  }
}

/**
 * Decodes an AccessToken2 and checks its signature against `appCertificate`.
 * Throws TokenFormatError when the token cannot be decoded; an undecodable service type stops decoding
 * but the signature check still covers every signed byte.
 */
export function decodeAccessToken2(token: string, appCertificate: string): DecodedAccessToken2 {
  if (!token.startsWith('007')) throw new TokenFormatError('not an AccessToken2 (007) token');
  let content: Buffer;
  try {
    content = inflateSync(Buffer.from(token.slice(3), 'base64'));
  } catch {
    throw new TokenFormatError('token payload is not a deflate stream');
  }
  return decoding(() => {
    const outer = new ByteReader(content);
    const signature = outer.bytes();
    const signingInfo = outer.rest();
    const r = new ByteReader(signingInfo);
    const appId = r.string();
    const issueTs = r.u32();
    const expireSeconds = r.u32();
    const salt = r.u32();
    const count = r.u16();
    const services: TokenService[] = [];
    for (let i = 0; i < count; i++) {
      const service = readService(r);
      if (!service) break;
      services.push(service);
    }
    const signatureValid = sameBytes(hmac(signingKey2(appCertificate, issueTs, salt), signingInfo), signature);
    return { appId, issueTs, expireSeconds, salt, services, signatureValid };
  });
}

/** What every AccessToken2 builder takes besides its service fields. */
export type TokenBasics = Omit<AccessToken2Input, 'services'>;

/** `RtmTokenBuilder2.buildToken`: an RTM login token for `userId`, valid `expireSeconds` from issue. */
export function buildRtmToken(opts: TokenBasics & { userId: string }): string {
  return buildAccessToken2({
    ...opts,
    services: [{ type: 'rtm', userId: opts.userId, privileges: new Map([[RtmPrivilege.login, opts.expireSeconds]]) }],
  });
}

/** `ChatTokenBuilder2.buildAppToken`: the app token Agora Chat's REST API accepts as `Bearer`. */
export function buildChatAppToken(opts: TokenBasics): string {
  return buildAccessToken2({
    ...opts,
    services: [{ type: 'chat', userId: '', privileges: new Map([[ChatPrivilege.app, opts.expireSeconds]]) }],
  });
}

/** `ChatTokenBuilder2.buildUserToken`: a Chat user token (for SDK clients, not for REST). */
export function buildChatUserToken(opts: TokenBasics & { userId: string }): string {
  return buildAccessToken2({
    ...opts,
    services: [{ type: 'chat', userId: opts.userId, privileges: new Map([[ChatPrivilege.user, opts.expireSeconds]]) }],
  });
}

export interface AccessTokenInput {
  appId: string;
  appCertificate: string;
  channelName: string;
  uid: string;
  /** privilege id -> absolute expiry timestamp in seconds (0: no expiry). */
  privileges: Map<number, number>;
  salt?: number;
  /** The message timestamp; the reference builder defaults it to now + 24 h. */
  ts?: number;
}

export interface DecodedAccessToken {
  appId: string;
  salt: number;
  ts: number;
  privileges: Map<number, number>;
  crcChannelName: number;
  crcUid: number;
  /** True when the signature matches `appCertificate` for the channel name and uid given to the decoder. */
  signatureValid: boolean;
}

const APP_ID_LENGTH = 32;

/** Builds an AccessToken ("006…"), the format of `AccessToken.js`; RTM 1.x login tokens use it. */
export function buildAccessToken(input: AccessTokenInput): string {
  const salt = input.salt ?? randomInt(1, 2 ** 32 - 1);
  const ts = input.ts ?? nowSeconds() + 24 * 3600;
  const message = new ByteWriter().u32(salt).u32(ts).map(input.privileges).pack();
  const toSign = Buffer.concat([Buffer.from(input.appId, 'utf8'), Buffer.from(input.channelName, 'utf8'), Buffer.from(input.uid, 'utf8'), message]);
  const signature = hmac(input.appCertificate, toSign);
  const content = new ByteWriter().bytes(signature).u32(crc32(input.channelName)).u32(crc32(input.uid)).bytes(message).pack();
  return `006${input.appId}${content.toString('base64')}`;
}

/**
 * Decodes an AccessToken (006) and checks its signature for the given channel name and uid (an RTM
 * token is signed over the user account as channel name and an empty uid).
 */
export function decodeAccessToken(token: string, appCertificate: string, signedFor: { channelName: string; uid: string }): DecodedAccessToken {
  if (!token.startsWith('006') || token.length < 3 + APP_ID_LENGTH) {
    throw new TokenFormatError('not an AccessToken (006) token');
  }
  const appId = token.slice(3, 3 + APP_ID_LENGTH);
  return decoding(() => {
    const r = new ByteReader(Buffer.from(token.slice(3 + APP_ID_LENGTH), 'base64'));
    const signature = r.bytes();
    const crcChannelName = r.u32();
    const crcUid = r.u32();
    const message = r.bytes();
    const m = new ByteReader(message);
    const salt = m.u32();
    const ts = m.u32();
    const privileges = m.map();
    const toSign = Buffer.concat([Buffer.from(appId, 'utf8'), Buffer.from(signedFor.channelName, 'utf8'), Buffer.from(signedFor.uid, 'utf8'), message]);
    const signatureValid = sameBytes(hmac(appCertificate, toSign), signature);
    return { appId, salt, ts, privileges, crcChannelName, crcUid, signatureValid };
  });
}

/** `RtmTokenBuilder.buildToken` (006): login privilege 1000 with an absolute expiry timestamp. */
export function buildLegacyRtmToken(opts: {
  appId: string;
  appCertificate: string;
  userAccount: string;
  privilegeExpiredTs: number;
  salt?: number;
  ts?: number;
}): string {
  return buildAccessToken({
    appId: opts.appId,
    appCertificate: opts.appCertificate,
    channelName: opts.userAccount,
    uid: '',
    privileges: new Map([[LEGACY_RTM_LOGIN_PRIVILEGE, opts.privilegeExpiredTs]]),
    ...(opts.salt === undefined ? {} : { salt: opts.salt }),
    ...(opts.ts === undefined ? {} : { ts: opts.ts }),
  });
}
