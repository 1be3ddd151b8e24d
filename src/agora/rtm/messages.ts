/**
 * Signaling peer-to-peer and channel messages (seeds 001 and 003). Both count against the combined
 * 500 calls/s budget. A send is never replayed once it may have reached Agora: a failure after that
 * point is AgoraUnavailableError with `maybeDelivered: true`.
 */
import { parseInput } from '../validate.js';
import { enc, type CallOptions, type RtmContext } from './context.js';
import {
  sendChannelMessageInput,
  sendPeerMessageInput,
  sendResponse,
  type SendChannelMessageInput,
  type SendPeerMessageInput,
} from './schemas.js';

/** sent: Agora accepted it; delivered: the receiver acknowledged it; offline: the receiver is offline. */
export type DeliveryStatus = 'sent' | 'delivered' | 'offline';

export interface SendResult {
  status: DeliveryStatus;
  requestId: string | undefined;
}

const STATUS = { message_sent: 'sent', message_delivered: 'delivered', message_offline: 'offline' } as const;

export function createRtmMessages(ctx: RtmContext) {
  return {
    /**
     * Sends a peer-to-peer message as `from`. With `waitForAck`, Agora answers after the receiver
     * acknowledges (`delivered`) or reports the receiver offline (`offline`).
     */
    async sendPeerMessage(input: SendPeerMessageInput, opts: CallOptions = {}): Promise<SendResult> {
      const operation = 'rtm.sendPeerMessage';
      const v = parseInput(sendPeerMessageInput, input, { service: 'rtm', operation });
      const res = await ctx.http.request({
        upstream: ctx.upstream,
        operation,
        budget: 'rtm.messages',
        method: 'POST',
        path: `/rtm/users/${enc(v.from)}/peer_messages`,
        query: { wait_for_ack: v.waitForAck },
        json: {
          destination: v.to,
          enable_offline_messaging: v.enableOfflineMessaging,
          enable_historical_messaging: v.enableHistoricalMessaging,
          payload: v.payload,
        },
        auth: ctx.auth.forUser(v.from),
        response: sendResponse,
        replay: 'once',
        ...opts,
      });
      return { status: STATUS[res.data.code], requestId: res.requestId };
    },

    /** Sends a message to a channel as `from`; the sender need not have joined it. */
    async sendChannelMessage(input: SendChannelMessageInput, opts: CallOptions = {}): Promise<SendResult> {
      const operation = 'rtm.sendChannelMessage';
      const v = parseInput(sendChannelMessageInput, input, { service: 'rtm', operation });
      const res = await ctx.http.request({
        upstream: ctx.upstream,
        operation,
        budget: 'rtm.messages',
        method: 'POST',
        path: `/rtm/users/${enc(v.from)}/channel_messages`,
        json: {
          channel_name: v.channel,
          enable_historical_messaging: v.enableHistoricalMessaging,
          payload: v.payload,
        },
        auth: ctx.auth.forUser(v.from),
        response: sendResponse,
        replay: 'once',
        ...opts,
      });
      return { status: STATUS[res.data.code], requestId: res.requestId };
    },
  };
}
