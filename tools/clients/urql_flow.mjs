// urql with graphcache (schema-aware: the introspection of schema.graphql) and graphql-ws
// for subscriptions, through the same flows as apollo_flow.mjs (see there for the
// arguments), reporting what the cache holds after every step.
import { randomUUID } from "node:crypto";
import { fail, nextLine, say, within } from "./report.mjs";
import { Client, fetchExchange, gql, subscriptionExchange } from "@urql/core";
import { cacheExchange } from "@urql/exchange-graphcache";
import { relayPagination } from "@urql/exchange-graphcache/extras";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import * as documents from "./documents.mjs";
import { introspection, typesWithoutId } from "./schema.mjs";

const [flow, httpUrl, wsUrl, token, conversationId] = process.argv.slice(2);
const doc = Object.fromEntries(Object.entries(documents).map(([name, text]) => [name, gql(text)]));
const firstPage = { conversationId, filter: "MESSAGES", last: 2 };

const ws = createClient({
  url: wsUrl,
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${token}` },
});

let sentMessage = null; // the reply as the cache holds it, read where the cache is written
const appended = [];
let onAppended = () => {};

const cache = cacheExchange({
  schema: introspection(),
  // Types without an id live inside their parent (a CallTime inside its invite's list).
  keys: Object.fromEntries(typesWithoutId().map((name) => [name, () => null])),
  resolvers: { Query: { feed: relayPagination() } },
  updates: {
    Mutation: {
      sendMessage: (result, _args, store) => {
        sentMessage = store.readFragment(doc.SENT_MESSAGE, result.sendMessage);
      },
    },
    Subscription: {
      // Live: each new item's edge goes to the end of the cached list as it came (its
      // cursor is the feed's own, so paging on from the end works).
      feedUpdates: ({ feedUpdates: { kind, edge } }, _args, store) => {
        if (kind !== "ADDED") return;
        store.updateQuery({ query: doc.FEED, variables: firstPage }, (cached) => {
          if (cached.feed.edges.some((known) => known.node.id === edge.node.id)) return cached;
          cached.feed.edges.push(edge);
          return cached;
        });
        appended.push(edge.node.id);
        onAppended();
      },
    },
  },
});

const client = new Client({
  url: httpUrl,
  fetchOptions: { headers: { authorization: `Bearer ${token}` } },
  exchanges: [
    cache,
    fetchExchange,
    subscriptionExchange({
      forwardSubscription: (request) => ({
        subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? "" }, sink) }),
      }),
    }),
  ],
});
const read = (query, variables) => client.readQuery(query, variables)?.data ?? null;
const fetched = async (query, variables) => {
  const result = await client.query(query, variables, { requestPolicy: "network-only" }).toPromise();
  if (result.error) throw result.error;
  return result.data;
};

async function feedFlow() {
  await fetched(doc.CLIENT_LIST);
  say({ step: "clientList", cache: read(doc.CLIENT_LIST) });

  const page = await fetched(doc.FEED, firstPage);
  say({ step: "feedPage", cache: read(doc.FEED, firstPage) });
  await fetched(doc.FEED, { ...firstPage, before: page.feed.pageInfo.startCursor });
  say({ step: "feedOlderPage", cache: read(doc.FEED, firstPage) });

  const arrived = (count) =>
    within(10, `${count} live items`, new Promise((resolve) => {
      onAppended = () => appended.length >= count && resolve();
      onAppended();
    }));
  const live = client
    .subscription(doc.FEED_UPDATES, { conversationId, filter: "MESSAGES" })
    .subscribe(({ error }) => error && fail(error));
  say({ event: "subscribed" });
  await within(10, "the test's go-ahead", nextLine()); // once the server has the subscription

  const body = "Draft is ready for review";
  const sent = await client.mutation(doc.REPLY, { conversationId, body, key: randomUUID() }).toPromise();
  if (sent.error) throw sent.error;
  say({ step: "send", cache: sentMessage });
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
