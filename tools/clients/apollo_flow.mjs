// Apollo Client 3 (InMemoryCache with possibleTypes from schema.graphql; HttpLink and
// GraphQLWsLink split) through one of two flows, reporting what the cache holds after
// every step (report.mjs: one JSON line a step, with any console warning).
//
// node apollo_flow.mjs feed  <http url> <ws url> <viewer token> <conversation id>
//   client list, feed pages (last/before, MESSAGES), a reply, live feedUpdates merged;
//   prints {event: "subscribed"} and waits for a line on stdin (the server listens), then
//   {event: "waiting"} for a message from the other side.
// node apollo_flow.mjs zones <http url> <ws url> <viewer token>
//   the Call Requests list in one zone, one invite in another, the list again.
import { randomUUID } from "node:crypto";
import { fail, nextLine, say, within } from "./report.mjs";
import {
  ApolloClient,
  HttpLink,
  InMemoryCache,
  gql,
  split,
} from "@apollo/client/core/index.js";
import { loadDevMessages, loadErrorMessages } from "@apollo/client/dev/index.js";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions/index.js";
import { getMainDefinition, relayStylePagination } from "@apollo/client/utilities/index.js";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import * as documents from "./documents.mjs";
import { possibleTypes } from "./schema.mjs";

loadDevMessages();
loadErrorMessages();
const [flow, httpUrl, wsUrl, token, conversationId] = process.argv.slice(2);
const doc = Object.fromEntries(Object.entries(documents).map(([name, text]) => [name, gql(text)]));

const ws = createClient({
  url: wsUrl,
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${token}` },
});
const isSubscription = ({ query }) => {
  const definition = getMainDefinition(query);
  return definition.kind === "OperationDefinition" && definition.operation === "subscription";
};
const link = split(
  isSubscription,
  new GraphQLWsLink(ws),
  new HttpLink({ uri: httpUrl, headers: { authorization: `Bearer ${token}` } }),
);

// A CallTime has no id: it lives inside its invite's list. Merge two reads of the list item
// by item, so that each keeps the zones the other asked for.
const mergeByPosition = (existing = [], incoming, { mergeObjects }) =>
  incoming.map((item, index) => (existing[index] ? mergeObjects(existing[index], item) : item));

const cache = new InMemoryCache({
  possibleTypes: possibleTypes(),
  typePolicies: {
    Query: { fields: { feed: relayStylePagination(["conversationId", "orderId", "filter"]) } },
    CallInvite: { fields: { proposedTimes: { merge: mergeByPosition } } },
  },
});
const client = new ApolloClient({ link, cache });
const read = (query, variables) => cache.readQuery({ query, variables });
const fetched = async (query, variables) => {
  const result = await client.query({ query, variables, fetchPolicy: "network-only" });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data;
};

async function feedFlow() {
  await fetched(doc.CLIENT_LIST);
  say({ step: "clientList", cache: read(doc.CLIENT_LIST) });

  const firstPage = { conversationId, filter: "MESSAGES", last: 2 };
  const page = await fetched(doc.FEED, firstPage);
  say({ step: "feedPage", cache: read(doc.FEED, firstPage) });
  await fetched(doc.FEED, { ...firstPage, before: page.feed.pageInfo.startCursor });
  say({ step: "feedOlderPage", cache: read(doc.FEED, firstPage) });

  // Live: each new item's edge goes to the end of the cached list as it came (its cursor
  // is the feed's own, so paging on from the end works).
  const appended = [];
  let onAppended = () => {};
  const arrived = (count) =>
    within(10, `${count} live items`, new Promise((resolve) => {
      onAppended = () => appended.length >= count && resolve();
      onAppended();
    }));
  const live = client
    .subscribe({ query: doc.FEED_UPDATES, variables: { conversationId, filter: "MESSAGES" } })
    .subscribe({
      next: ({ data, errors }) => {
        if (errors) fail(errors);
        const { kind, edge } = data.feedUpdates;
        if (kind !== "ADDED") return;
        cache.updateQuery({ query: doc.FEED, variables: firstPage }, (cached) => {
          if (cached.feed.edges.some((known) => known.node.id === edge.node.id)) return cached;
          return { feed: { ...cached.feed, edges: [...cached.feed.edges, edge] } };
        });
        appended.push(edge.node.id);
        onAppended();
      },
      error: fail,
    });
  say({ event: "subscribed" });
  await within(10, "the test's go-ahead", nextLine()); // once the server has the subscription

  const body = "Draft is ready for review";
  const sent = await client.mutate({
    mutation: doc.REPLY,
    variables: { conversationId, body, key: randomUUID() },
  });
  const id = cache.identify(sent.data.sendMessage);
  say({ step: "send", cache: cache.readFragment({ id, fragment: doc.SENT_MESSAGE }) });
  await arrived(1);
  say({ step: "liveOwn", cache: read(doc.FEED, firstPage) });
  say({ event: "waiting" }); // the test now sends from the other side
  await arrived(2);
  say({ step: "liveOther", cache: read(doc.FEED, firstPage) });
  live.unsubscribe();
}

async function zonesFlow() {
  const berlin = { timeZone: "Europe/Berlin" };
  const list = await fetched(doc.CALL_REQUESTS, berlin);
  say({ step: "listBerlin", cache: read(doc.CALL_REQUESTS, berlin) });
  const tokyo = { id: list.callInvites[0].id, timeZone: "Asia/Tokyo" };
  await fetched(doc.CALL_INVITE, tokyo);
  say({ step: "inviteTokyo", cache: read(doc.CALL_INVITE, tokyo) });
  say({ step: "listBerlinAgain", cache: read(doc.CALL_REQUESTS, berlin) });
}

await (flow === "zones" ? zonesFlow() : feedFlow()).catch(fail);
say({ step: "done" });
await ws.dispose();
process.exit(0);
