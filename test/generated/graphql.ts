/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type AudioBodyInput = {
  durationSeconds?: number | null | undefined;
  filename?: string | null | undefined;
  secret?: string | null | undefined;
  url: string;
};

export type CommandBodyInput = {
  action: string;
};

export type CustomBodyInput = {
  event?: string | null | undefined;
  fields?: unknown;
};

/** What Agora said of a Signaling send. */
export type DeliveryStatus =
  /** The receiver acknowledged it (waitForAck). */
  | 'DELIVERED'
  /** The receiver is offline (waitForAck). */
  | 'OFFLINE'
  /** Agora accepted the message. */
  | 'SENT';

export type FileBodyInput = {
  filename: string;
  secret?: string | null | undefined;
  url: string;
};

export type ImageBodyInput = {
  filename?: string | null | undefined;
  height?: number | null | undefined;
  secret?: string | null | undefined;
  url: string;
  width?: number | null | undefined;
};

export type LocationBodyInput = {
  address: string;
  latitude: number;
  longitude: number;
};

export type MemberRole =
  /** Administers it (named by the owner). */
  | 'ADMIN'
  | 'MEMBER'
  | 'OWNER';

/** Exactly one kind of body. */
export type MessageBodyInput =
  {   audio: AudioBodyInput; command?: never; custom?: never; file?: never; image?: never; location?: never; text?: never; video?: never; }
  |  { audio?: never;   command: CommandBodyInput; custom?: never; file?: never; image?: never; location?: never; text?: never; video?: never; }
  |  { audio?: never; command?: never;   custom: CustomBodyInput; file?: never; image?: never; location?: never; text?: never; video?: never; }
  |  { audio?: never; command?: never; custom?: never;   file: FileBodyInput; image?: never; location?: never; text?: never; video?: never; }
  |  { audio?: never; command?: never; custom?: never; file?: never;   image: ImageBodyInput; location?: never; text?: never; video?: never; }
  |  { audio?: never; command?: never; custom?: never; file?: never; image?: never;   location: LocationBodyInput; text?: never; video?: never; }
  |  { audio?: never; command?: never; custom?: never; file?: never; image?: never; location?: never;   text: TextBodyInput; video?: never; }
  |  { audio?: never; command?: never; custom?: never; file?: never; image?: never; location?: never; text?: never;   video: VideoBodyInput; };

/** Exactly one of toUsers (at most 600), toGroups (3) or toRooms (10). */
export type SendMessageInput = {
  body: MessageBodyInput;
  ext?: unknown;
  /** The sender; Agora sends as "admin" when absent. */
  from?: string | null | undefined;
  /** Deliver only to recipients online now. */
  onlineOnly?: boolean | null | undefined;
  toGroups?: Array<string> | null | undefined;
  toRooms?: Array<string> | null | undefined;
  toUsers?: Array<string> | null | undefined;
};

export type SendPeerMessageInput = {
  /** The sender: 1 to 64 characters of the Signaling id character set. */
  from: string;
  /** At most 32 KB. */
  payload: string;
  /** Store the message in Signaling history. */
  saveHistory?: boolean | null | undefined;
  /** Keep it for an offline receiver (at most 200 per receiver). */
  storeOffline?: boolean | null | undefined;
  to: string;
  /** Answer only once the receiver acknowledged, or is known offline. */
  waitForAck?: boolean | null | undefined;
};

export type TextBodyInput = {
  text: string;
};

export type VideoBodyInput = {
  durationSeconds?: number | null | undefined;
  fileLength?: number | null | undefined;
  filename?: string | null | undefined;
  secret?: string | null | undefined;
  thumbnailSecret?: string | null | undefined;
  thumbnailUrl?: string | null | undefined;
  url: string;
};

export type GroupMembersQueryVariables = Exact<{
  id: string;
  first: number;
}>;


export type GroupMembersQuery = { group: { name: string, members: { edges: Array<{ role: MemberRole, node: { username: string, online: boolean, attributes: unknown, presence: { online: boolean } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type SendPeerMessageMutationVariables = Exact<{
  input: SendPeerMessageInput;
}>;


export type SendPeerMessageMutation = { sendPeerMessage: { status: DeliveryStatus, requestId: string | null } };

export type SendMessageMutationVariables = Exact<{
  input: SendMessageInput;
}>;


export type SendMessageMutation = { sendMessage:
    | { __typename: 'ForbiddenError', message: string, agoraCode: string | null }
    | { __typename: 'MutationSendMessageSuccess', data: Array<{ recipient: string, messageId: string }> }
    | { __typename: 'NotFoundError', message: string, agoraCode: string | null }
   };


export const GroupMembersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GroupMembers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"group"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"groupId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"members"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"online"}},{"kind":"Field","name":{"kind":"Name","value":"presence"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"online"}}]}},{"kind":"Field","name":{"kind":"Name","value":"attributes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"keys"},"value":{"kind":"ListValue","values":[{"kind":"StringValue","value":"avatar","block":false}]}}]}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}}]} as unknown as DocumentNode<GroupMembersQuery, GroupMembersQueryVariables>;
export const SendPeerMessageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SendPeerMessage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SendPeerMessageInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sendPeerMessage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"requestId"}}]}}]}}]} as unknown as DocumentNode<SendPeerMessageMutation, SendPeerMessageMutationVariables>;
export const SendMessageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SendMessage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SendMessageInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sendMessage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MutationSendMessageSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"data"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recipient"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DomainError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"agoraCode"}}]}}]}}]}}]} as unknown as DocumentNode<SendMessageMutation, SendMessageMutationVariables>;