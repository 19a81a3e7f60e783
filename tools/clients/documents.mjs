// The GraphQL documents the Apollo and urql scripts run: one place, plain text, each
// client parses them with its own `gql`. Ids always come from responses, never built.

export const CLIENT_LIST = `
  query ClientList {
    unreadSummary { conversationsWithUnread totalUnread }
    conversations(first: 20) {
      edges { cursor node {
        id hasUnread unreadCount
        counterpart { id name }
        lastMessage { id body }
      } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export const FEED = `
  query Feed($conversationId: ID!, $filter: FeedFilter!, $last: Int, $before: String) {
    feed(conversationId: $conversationId, filter: $filter, last: $last, before: $before) {
      edges { cursor node {
        ... on Message { id body isMine sender { id name } }
        ... on OrderEvent { id status }
      } }
      pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
    }
  }
`;

export const SENT_MESSAGE = `
  fragment SentMessage on Message { id body isMine }
`;

export const REPLY = `
  mutation Reply($conversationId: ID!, $body: String!, $key: String!) {
    sendMessage(input: {conversationId: $conversationId, body: $body, idempotencyKey: $key}) {
      ... on Message { id body isMine }
      ... on Error { code message }
    }
  }
`;

export const FEED_UPDATES = `
  subscription FeedUpdates($conversationId: ID!, $filter: FeedFilter!) {
    feedUpdates(conversationId: $conversationId, filter: $filter) {
      cursor kind
      edge {
        cursor
        node {
          ... on Message { id body isMine sender { id name } }
          ... on OrderEvent { id status }
        }
      }
    }
  }
`;

// Call times on the viewer's wall clock, in a zone the query names (the field's argument:
// two zones of one invite are two cache entries).
export const CALL_REQUESTS = `
  query CallRequests($timeZone: String) {
    callInvites(status: PENDING) {
      id topic
      proposedTimes { startsAt local(timeZone: $timeZone) { local timeZone utcOffset } }
    }
  }
`;

export const CALL_INVITE = `
  query CallInvite($id: ID!, $timeZone: String) {
    callInvite(id: $id) {
      id topic
      proposedTimes { startsAt local(timeZone: $timeZone) { local timeZone utcOffset } }
    }
  }
`;
