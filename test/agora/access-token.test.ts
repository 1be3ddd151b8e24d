import { describe, expect, it } from 'vitest';
import {
  buildAccessToken2,
  buildChatAppToken,
  buildChatUserToken,
  buildLegacyRtmToken,
  buildAccessToken,
  buildRtmToken,
  decodeAccessToken,
  decodeAccessToken2,
  LEGACY_RTM_LOGIN_PRIVILEGE,
  RtcPrivilege,
  TokenFormatError,
} from '../../src/agora/access-token.ts';

// Agora's published vectors (AgoraIO/Tools DynamicKey/AgoraDynamicKey/nodejs and ruby tests).
const appId = '970CA35de60c44645bbae8a215061b33';
const appCertificate = '5CFd2fd1755d40ecb72977518be15d3b';
const fixed = { appId, appCertificate, issueTs: 1111111, salt: 1 };

const rtcService = (uid: string, privileges: [number, number][]) => ({
  type: 'rtc' as const,
  channelName: '7d72365eb983485397e3e3f9d460bdda',
  uid,
  privileges: new Map(privileges),
});

describe('AccessToken2 (007) reproduces the published vectors byte for byte', () => {
  it('chat user token', () => {
    expect(buildChatUserToken({ ...fixed, userId: '2882341273', expireSeconds: 600 })).toBe(
      '007eJxTYNAIsnbS3v/A5t2TC6feR15r+6cq8bqAvfaW+tk/Vzz+p6xTYLA0N3B2NDZNSTUzSDYxMTMxTUpKTLVINDI0NTAzTDI2dv8iwBDBxMDAyADCrAyMDIxgPheDkYWFkbGJoZG5MQAfpR64',
    );
  });

  it('chat app token', () => {
    expect(buildChatAppToken({ ...fixed, expireSeconds: 600 })).toBe(
      '007eJxTYNDNaz3snC8huEfHWdz6s98qltq4zqy9fl99Uh0FDvy6F6DAYGlu4OxobJqSamaQbGJiZmKalJSYapFoZGhqYGaYZGzs/kWAIYKJgYGRAYRZGRgZmMB8BgYArfIYaw==',
    );
  });

  it('RTC token with a numeric uid', () => {
    const token = buildAccessToken2({
      ...fixed,
      expireSeconds: 600,
      services: [rtcService('2882341273', [[RtcPrivilege.joinChannel, 600]])],
    });
    expect(token).toBe(
      '007eJxTYBBbsMMnKq7p9Hf/HcIX5kce9b518kCiQgSr5Zrp4X1Tu6UUGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxNDcwMk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiVwMRhYWRsYmhkbmxgDCaiTj',
    );
  });

  it('RTC token with uid 0 (packed as the empty string)', () => {
    const token = buildAccessToken2({
      ...fixed,
      expireSeconds: 600,
      services: [rtcService('', [[RtcPrivilege.joinChannel, 600]])],
    });
    expect(token).toBe(
      '007eJxTYLhzZP08Lxa1Pg57+TcXb/3cZ3wi4V6kbpbOog0G2dOYk20UGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxNDcwMk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiQwMADacImo=',
    );
  });

  it('RTC with four privileges plus RTM, in either insertion order', () => {
    const rtc = rtcService('2882341273', [
      [RtcPrivilege.joinChannel, 600],
      [RtcPrivilege.publishAudio, 600],
      [RtcPrivilege.publishVideo, 600],
      [RtcPrivilege.publishData, 600],
    ]);
    const rtm = { type: 'rtm' as const, userId: 'test_user', privileges: new Map([[1, 600]]) };
    const expected =
      '007eJxTYOAQsrQ5s3TfH+1tvy8zZZ46EpCc0V43JXdGd2jS8porKo4KDJbmBs6OxqYpqWYGySYmZiamSUmJqRaJRoamBmaGScbG7l8EGCKYGBgYGRgYmBgYGVgYGMF8JjDJDCZZwKQCg3mKuZGxmWlqkqWFsYmFqbGleapxqnGaZYqJmUFSSkoiF4ORhYWRsYmhkbkxyCyISZwMJanFJfGlxalFACKnKng=';
    expect(buildAccessToken2({ ...fixed, expireSeconds: 600, services: [rtc, rtm] })).toBe(expected);
    expect(buildAccessToken2({ ...fixed, expireSeconds: 600, services: [rtm, rtc] })).toBe(expected);
  });

  it('decodes its own tokens and verifies the signature by recomputing it', () => {
    const token = buildRtmToken({ appId, appCertificate, userId: 'test_user', expireSeconds: 600 });
    const decoded = decodeAccessToken2(token, appCertificate);
    expect(decoded.signatureValid).toBe(true);
    expect(decoded.appId).toBe(appId);
    expect(decoded.expireSeconds).toBe(600);
    expect(decoded.services).toEqual([{ type: 'rtm', userId: 'test_user', privileges: new Map([[1, 600]]) }]);
    expect(decodeAccessToken2(token, appCertificate.replace('5', '6')).signatureValid).toBe(false);
  });

  it('refuses tokens that are not AccessToken2 or are damaged', () => {
    expect(() => decodeAccessToken2('006abc', appCertificate)).toThrow(TokenFormatError);
    expect(() => decodeAccessToken2('007bm90LWRlZmxhdGU=', appCertificate)).toThrow(TokenFormatError);
    const truncated = buildChatAppToken({ ...fixed, expireSeconds: 600 }).slice(0, 40);
    expect(() => decodeAccessToken2(truncated, appCertificate)).toThrow(TokenFormatError);
  });
});

describe('AccessToken (006) reproduces the published vectors byte for byte', () => {
  it('RTM login token (ruby rtm_token_builder_spec)', () => {
    const token = buildLegacyRtmToken({
      appId,
      appCertificate,
      userAccount: 'test_user',
      privilegeExpiredTs: 1446455471,
      salt: 1,
      ts: 1111111,
    });
    expect(token).toBe('006970CA35de60c44645bbae8a215061b33IAAsR0qgiCxv0vrpRcpkz5BrbfEWCBZ6kvR6t7qG/wJIQob86ogAAAAAEAABAAAAR/QQAAEA6AOvKDdW');
    const decoded = decodeAccessToken(token, appCertificate, { channelName: 'test_user', uid: '' });
    expect(decoded.signatureValid).toBe(true);
    expect(decoded.privileges.get(LEGACY_RTM_LOGIN_PRIVILEGE)).toBe(1446455471);
    expect(decodeAccessToken(token, appCertificate, { channelName: 'other', uid: '' }).signatureValid).toBe(false);
  });

  it('RTC join token (nodejs AccessTokenTest)', () => {
    const token = buildAccessToken({
      appId,
      appCertificate,
      channelName: '7d72365eb983485397e3e3f9d460bdda',
      uid: '2882341273',
      privileges: new Map([[RtcPrivilege.joinChannel, 1446455471]]),
      salt: 1,
      ts: 1111111,
    });
    expect(token).toBe('006970CA35de60c44645bbae8a215061b33IACV0fZUBw+72cVoL9eyGGh3Q6Poi8bgjwVLnyKSJyOXR7dIfRBXoFHlEAABAAAAR/QQAAEAAQCvKDdW');
  });
});
