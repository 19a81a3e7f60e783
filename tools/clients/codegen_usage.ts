// Uses the types GraphQL Code Generator wrote for the README's documents, as a front end
// would: `tsc --strict` must accept it next to the generated graphql.ts.
import type {
  ClientListQuery,
  FeedQuery,
  FeedQueryVariables,
  ReplyMutation,
} from "./graphql";

export function unreadBadge(list: ClientListQuery): string {
  const total: number = list.unreadSummary.totalUnread;
  return total > 0 ? String(total) : "";
}

export function lastActivity(list: ClientListQuery): string[] {
  // DateTime maps to string: an RFC 3339 text, not `unknown` or `any`.
  return list.conversations.edges.map((edge) => edge.node.lastActivityAt.slice(0, 10));
}

export function messageBodies(feed: FeedQuery): string[] {
  return feed.feed.edges.flatMap(({ node }) => (node.__typename === "Message" ? [node.body] : []));
}

export const olderPage = (id: string, before: string | null): FeedQueryVariables => ({
  id,
  before,
});

export function replyOutcome(result: ReplyMutation): string {
  const sent = result.sendMessage;
  switch (sent.__typename) {
    case "Message":
      return `sent at ${sent.createdAt}`;
    default:
      return "code" in sent ? sent.code : "refused";
  }
}
