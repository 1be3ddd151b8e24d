/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query GroupMembers($id: String!, $first: Int!) {\n  group(groupId: $id) {\n    name\n    members(first: $first) {\n      edges {\n        role\n        node {\n          username\n          online\n          presence {\n            online\n          }\n          attributes(keys: [\"avatar\"])\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}": typeof types.GroupMembersDocument,
    "mutation SendPeerMessage($input: SendPeerMessageInput!) {\n  sendPeerMessage(input: $input) {\n    status\n    requestId\n  }\n}\n\nmutation SendMessage($input: SendMessageInput!) {\n  sendMessage(input: $input) {\n    __typename\n    ... on MutationSendMessageSuccess {\n      data {\n        recipient\n        messageId\n      }\n    }\n    ... on DomainError {\n      message\n      agoraCode\n    }\n  }\n}": typeof types.SendPeerMessageDocument,
};
const documents: Documents = {
    "query GroupMembers($id: String!, $first: Int!) {\n  group(groupId: $id) {\n    name\n    members(first: $first) {\n      edges {\n        role\n        node {\n          username\n          online\n          presence {\n            online\n          }\n          attributes(keys: [\"avatar\"])\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}": types.GroupMembersDocument,
    "mutation SendPeerMessage($input: SendPeerMessageInput!) {\n  sendPeerMessage(input: $input) {\n    status\n    requestId\n  }\n}\n\nmutation SendMessage($input: SendMessageInput!) {\n  sendMessage(input: $input) {\n    __typename\n    ... on MutationSendMessageSuccess {\n      data {\n        recipient\n        messageId\n      }\n    }\n    ... on DomainError {\n      message\n      agoraCode\n    }\n  }\n}": types.SendPeerMessageDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query GroupMembers($id: String!, $first: Int!) {\n  group(groupId: $id) {\n    name\n    members(first: $first) {\n      edges {\n        role\n        node {\n          username\n          online\n          presence {\n            online\n          }\n          attributes(keys: [\"avatar\"])\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}"): (typeof documents)["query GroupMembers($id: String!, $first: Int!) {\n  group(groupId: $id) {\n    name\n    members(first: $first) {\n      edges {\n        role\n        node {\n          username\n          online\n          presence {\n            online\n          }\n          attributes(keys: [\"avatar\"])\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SendPeerMessage($input: SendPeerMessageInput!) {\n  sendPeerMessage(input: $input) {\n    status\n    requestId\n  }\n}\n\nmutation SendMessage($input: SendMessageInput!) {\n  sendMessage(input: $input) {\n    __typename\n    ... on MutationSendMessageSuccess {\n      data {\n        recipient\n        messageId\n      }\n    }\n    ... on DomainError {\n      message\n      agoraCode\n    }\n  }\n}"): (typeof documents)["mutation SendPeerMessage($input: SendPeerMessageInput!) {\n  sendPeerMessage(input: $input) {\n    status\n    requestId\n  }\n}\n\nmutation SendMessage($input: SendMessageInput!) {\n  sendMessage(input: $input) {\n    __typename\n    ... on MutationSendMessageSuccess {\n      data {\n        recipient\n        messageId\n      }\n    }\n    ... on DomainError {\n      message\n      agoraCode\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;