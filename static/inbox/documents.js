// Every GraphQL document the inbox page sends, in one place (see schema.graphql).

const CONVERSATION = `
  fragment InboxConversation on Conversation {
    id
    unreadCount
    lastActivityAt
    counterpart { id name }
    counterpartPresence { accountId online }
  }
`;

const FEED_ITEM = `
  fragment InboxFeedItem on FeedItem {
    __typename
    ... on Message { id body createdAt readAt isMine sender { name } }
    ... on OrderEvent { id orderEventType orderStatus: status createdAt order { title } }
    ... on CallInviteEvent { id callEventType createdAt }
    ... on SupportRequestEvent { id supportStatus note createdAt }
  }
`;

export const ME = `
  query InboxMe { me { id name } }
`;

export const CONVERSATIONS = `
  query InboxConversations {
    conversations(first: 100) { edges { node { ...InboxConversation } } }
    unreadSummary { totalUnread }
  }
  ${CONVERSATION}
`;

export const UNREAD_SUMMARY = `
  query InboxUnreadSummary { unreadSummary { totalUnread } }
`;

export const FEED = `
  query InboxFeed($conversationId: ID!, $filter: FeedFilter!, $before: String) {
    feed(conversationId: $conversationId, filter: $filter, last: 20, before: $before) {
      edges { cursor node { ...InboxFeedItem } }
      pageInfo { hasPreviousPage startCursor }
    }
  }
  ${FEED_ITEM}
`;

export const SEND_MESSAGE = `
  mutation InboxSend($input: SendMessageInput!) {
    sendMessage(input: $input) {
      __typename
      ... on Message { id body createdAt readAt isMine sender { name } }
      ... on MessagingBlocked { nextStep }
      ... on Error { code message }
    }
  }
`;

export const MARK_READ = `
  mutation InboxMarkRead($conversationId: ID!) {
    markRead(conversationId: $conversationId) {
      __typename
      ... on Conversation { ...InboxConversation }
      ... on Error { code message }
    }
  }
  ${CONVERSATION}
`;

export const FEED_UPDATES = `
  subscription InboxFeedUpdates($conversationId: ID!, $filter: FeedFilter!, $after: String) {
    feedUpdates(conversationId: $conversationId, filter: $filter, after: $after) {
      cursor
      conversationId
      kind
      readBy
      readUpTo
      readAt
      item { ...InboxFeedItem }
      edge { cursor }
    }
  }
  ${FEED_ITEM}
`;

export const UNREAD_INDICATORS = `
  subscription InboxUnreadIndicators($after: String) {
    unreadIndicators(after: $after) {
      cursor
      conversation { ...InboxConversation }
      summary { totalUnread }
    }
  }
  ${CONVERSATION}
`;

export const MESSAGE_RECEIVED = `
  subscription InboxMessageReceived($after: String) {
    messageReceived(after: $after) {
      cursor
      message { id conversationId createdAt }
    }
  }
`;

export const PRESENCE_CHANGED = `
  subscription InboxPresence { presenceChanged { accountId online } }
`;
