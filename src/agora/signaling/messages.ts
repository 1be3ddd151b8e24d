/**
 * Signaling peer-to-peer and channel messages (seeds 001 and 003). Both count against the combined
 * 500 calls/s budget. A send is never replayed once it may have reached Agora: a failure after that
 * point is AgoraUnavailableError with `maybeDelivered: true`.
 */
import { enc, endpoint } from '../endpoint.ts';
import type { SignalingContext } from './context.ts';
import { sendChannelMessageInput, sendPeerMessageInput, sendResponse } from './schemas.ts';

/** sent: Agora accepted it; delivered: the receiver acknowledged it; offline: the receiver is offline. */
export type DeliveryStatus = 'sent' | 'delivered' | 'offline';

export interface SendResult {
  status: DeliveryStatus;
  requestId: string | undefined;
}

const STATUS = { message_sent: 'sent', message_delivered: 'delivered', message_offline: 'offline' } as const;

const sent = ({ data, requestId }: { data: { code: keyof typeof STATUS }; requestId: string | undefined }): SendResult => ({
  status: STATUS[data.code],
  requestId,
});

export function createSignalingMessages(ctx: SignalingContext) {
  return {
    /**
     * Sends a peer-to-peer message as `from`. With `waitForAck`, Agora answers after the receiver
     * acknowledges (`delivered`) or reports the receiver offline (`offline`).
     */
    sendPeerMessage: endpoint(ctx, {
      operation: 'signaling.sendPeerMessage',
      budget: 'signaling.messages',
      method: 'POST',
      replay: 'once',
      input: sendPeerMessageInput,
      path: (v) => `/rtm/users/${enc(v.from)}/peer_messages`,
      query: (v) => ({ wait_for_ack: v.waitForAck }),
      json: (v) => ({
        destination: v.to,
        enable_offline_messaging: v.enableOfflineMessaging,
        enable_historical_messaging: v.enableHistoricalMessaging,
        payload: v.payload,
      }),
      as: (v) => v.from,
      response: sendResponse,
      result: sent,
    }),

    /** Sends a message to a channel as `from`; the sender need not have joined it. */
    sendChannelMessage: endpoint(ctx, {
      operation: 'signaling.sendChannelMessage',
      budget: 'signaling.messages',
      method: 'POST',
      replay: 'once',
      input: sendChannelMessageInput,
      path: (v) => `/rtm/users/${enc(v.from)}/channel_messages`,
      json: (v) => ({ channel_name: v.channel, enable_historical_messaging: v.enableHistoricalMessaging, payload: v.payload }),
      as: (v) => v.from,
      response: sendResponse,
      result: sent,
    }),
  };
}
