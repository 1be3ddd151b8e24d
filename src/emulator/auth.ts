/**
 * How the emulator checks Signaling credentials (seed 001): Basic auth with the customer key and secret
 * sends as any uid; token auth (`x-agora-token` + `x-agora-uid`) is verified by decoding the token and
 * recomputing its signature with the app certificate (006 and 007 alike), and sends only as its uid.
 */
import { timingSafeEqual } from 'node:crypto';
import { ChatPrivilege, decodeAccessToken, decodeAccessToken2, LEGACY_RTM_LOGIN_PRIVILEGE, RtmPrivilege, TokenFormatError } from '../agora/access-token.ts';
import type { EmulatorProject } from './context.ts';
import type { EmulatorRequest } from './router.ts';

export type AuthResult = { ok: true; uid?: string } | { ok: false; message: string };

const header = (req: EmulatorRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Checks an RTM token (006 or 007) for `uid`; returns why it is refused, or undefined when valid. */
export function rtmTokenProblem(token: string, uid: string, project: EmulatorProject): string | undefined {
  try {
    if (token.startsWith('007')) {
      const t = decodeAccessToken2(token, project.appCertificate);
      if (!t.signatureValid || t.appId !== project.appId) return 'the token was not signed for this project';
      const rtm = t.services.find((s) => s.type === 'rtm');
      if (!rtm || rtm.type !== 'rtm') return 'the token carries no RTM service';
      if (rtm.userId !== uid) return 'x-agora-uid is not the uid the token was built for';
      const privilege = rtm.privileges.get(RtmPrivilege.login);
      if (privilege === undefined) return 'the token has no RTM login privilege';
      const now = nowSeconds();
      if (now > t.issueTs + t.expireSeconds || (privilege !== 0 && now > t.issueTs + privilege)) return 'the token has expired';
      return undefined;
    }
    if (token.startsWith('006')) {
      const t = decodeAccessToken(token, project.appCertificate, { channelName: uid, uid: '' });
      if (!t.signatureValid || t.appId !== project.appId) return 'the token was not signed for this project and uid';
      const expiresAt = t.privileges.get(LEGACY_RTM_LOGIN_PRIVILEGE);
      if (expiresAt === undefined) return 'the token has no RTM login privilege';
      if (expiresAt !== 0 && nowSeconds() > expiresAt) return 'the token has expired';
      return undefined;
    }
    return 'the token is neither an AccessToken2 (007) nor an AccessToken (006)';
  } catch (error) {
    if (error instanceof TokenFormatError) return `the token cannot be decoded (${error.message})`;
    throw error;
  }
}

export function checkSignalingAuth(req: EmulatorRequest, project: EmulatorProject): AuthResult {
  const authorization = header(req, 'authorization');
  if (authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    return sameText(decoded, `${project.customerKey}:${project.customerSecret}`)
      ? { ok: true }
      : { ok: false, message: 'Basic auth: the customer key or secret is wrong' };
  }
  const token = header(req, 'x-agora-token');
  const uid = header(req, 'x-agora-uid');
  if (token !== undefined || uid !== undefined) {
    if (!token || !uid) return { ok: false, message: 'Token auth needs both x-agora-token and x-agora-uid' };
    const problem = rtmTokenProblem(token, uid, project);
    return problem ? { ok: false, message: `Token auth: ${problem}` } : { ok: true, uid };
  }
  return { ok: false, message: 'Missing credentials: use Basic auth or x-agora-token and x-agora-uid' };
}

export type ChatAuthResult = { ok: true } | { ok: false; error: 'unauthorized' | 'auth_bad_access_token'; message: string };

/**
 * Agora Chat REST accepts only app tokens (agora-api.md §2.1): `Authorization: Bearer <AccessToken2>`
 * with the Chat service, no user and the app privilege, signed with the app certificate and unexpired.
 * `expired` holds tokens the control API declared expired (by issue time and salt).
 */
export function checkChatAuth(req: EmulatorRequest, project: EmulatorProject, tokens: ChatTokenLedger): ChatAuthResult {
  const authorization = header(req, 'authorization');
  if (!authorization?.startsWith('Bearer ')) {
    return { ok: false, error: 'unauthorized', message: 'Registration is not open, please contact the app admin.' };
  }
  const corrupt = { ok: false, error: 'auth_bad_access_token', message: 'Unable to authenticate due to corrupt access token.' } as const;
  try {
    const t = decodeAccessToken2(authorization.slice('Bearer '.length).trim(), project.appCertificate);
    if (!t.signatureValid || t.appId !== project.appId) return corrupt;
    const chat = t.services.find((s) => s.type === 'chat');
    if (!chat || chat.type !== 'chat') return corrupt;
    if (chat.userId !== '' || !chat.privileges.has(ChatPrivilege.app)) {
      return { ok: false, error: 'auth_bad_access_token', message: 'Unable to authenticate. The REST API accepts only app tokens.' };
    }
    const key = `${t.issueTs}:${t.salt}`;
    const expiresAt = t.issueTs + Math.min(t.expireSeconds, chat.privileges.get(ChatPrivilege.app) || t.expireSeconds);
    if (nowSeconds() > expiresAt || tokens.expired.has(key)) {
      return { ok: false, error: 'unauthorized', message: 'Unable to authenticate due to expired access token.' };
    }
    tokens.seen.add(key);
    return { ok: true };
  } catch (error) {
    if (error instanceof TokenFormatError) return corrupt;
    throw error;
  }
}

/** Chat app tokens the emulator has accepted, and those the control API has since expired. */
export interface ChatTokenLedger {
  seen: Set<string>;
  expired: Set<string>;
}
