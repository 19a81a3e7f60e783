// The Node anchor on Parley's own dataset: graphql-yoga + better-sqlite3.
//
// Serves the feed page bench/feed.lua asks for (the same document, the same
// answer shape) from the same SQLite file, doing the same work per request as
// Parley: verify the HS256 bearer token, check the caller is a participant,
// read the newest page with the retention filter (one keyset scan), then the
// page's senders and orders through per-request DataLoaders. It exists so
// `make bench` can compare Parley with the Node server on the same machine in
// the same run, instead of with figures taken elsewhere.
//
//   node bench/anchor/server.mjs --db PATH --port 8766 --secret SECRET

import { createServer } from "node:http";
import { parseArgs } from "node:util";

import Database from "better-sqlite3";
import DataLoader from "dataloader";
import { createSchema, createYoga } from "graphql-yoga";
import jwt from "jsonwebtoken";

const { values: args } = parseArgs({
  options: {
    db: { type: "string" },
    port: { type: "string", default: "8766" },
    secret: { type: "string" },
    "retention-days": { type: "string", default: "365" },
  },
});

const db = new Database(args.db, { readonly: true });
db.pragma("journal_mode = WAL");
const isParticipant = db.prepare(
  "SELECT 1 FROM participants WHERE conversation_id = ? AND account_id = ?",
);
const newestPage = db.prepare(
  `SELECT id, kind, author_id, order_id, body, event, order_status, previous_status,
          read_at, created_at
     FROM feed_items
    WHERE conversation_id = ? AND (kind <> 'message' OR created_at >= ?)
    ORDER BY id DESC LIMIT ?`,
);
const retentionMs = Number(args["retention-days"]) * 24 * 3600 * 1000;

function byIds(table, columns) {
  return (ids) => {
    const rows = db
      .prepare(`SELECT ${columns} FROM ${table} WHERE id IN (${ids.map(() => "?").join(",")})`)
      .all(...ids);
    const found = new Map(rows.map((row) => [row.id, row]));
    return Promise.resolve(ids.map((id) => found.get(id) ?? null));
  };
}

const iso = (text) => (text === null ? null : new Date(text.replace(" ", "T")).toISOString());
const cursor = (id) => Buffer.from(`feed:${id}`).toString("base64");

const typeDefs = /* GraphQL */ `
  enum FeedFilter { ALL MESSAGES ORDERS CALLS }
  enum OrderEventType { CREATED STATUS_CHANGED }
  type Account { name: String! }
  type Order { title: String! }
  type Message {
    id: ID!
    body: String!
    createdAt: String!
    readAt: String
    isMine: Boolean!
    sender: Account
    order: Order
  }
  type OrderEvent {
    id: ID!
    orderEventType: OrderEventType!
    status: String!
    previousStatus: String
    createdAt: String!
    order: Order
  }
  union FeedItem = Message | OrderEvent
  type FeedEdge { cursor: String! node: FeedItem! }
  type PageInfo {
    hasPreviousPage: Boolean!
    hasNextPage: Boolean!
    startCursor: String
    endCursor: String
  }
  type FeedConnection { edges: [FeedEdge!]! pageInfo: PageInfo! }
  type Query { feed(conversationId: ID!, filter: FeedFilter = ALL, last: Int): FeedConnection! }
`;

// Parley's ids are global ids: base64url of "Conversation:<row id>".
const conversationRow = (id) => {
  const [tag, row] = Buffer.from(String(id), "base64url").toString("utf8").split(":");
  return tag === "Conversation" ? Number(row) : NaN;
};

const resolvers = {
  Query: {
    feed(_, { conversationId, last }, { viewer }) {
      const conversation = conversationRow(conversationId);
      if (!isParticipant.get(conversation, viewer)) {
        throw new Error("Conversation not found.");
      }
      const size = last ?? 20;
      const since = new Date(Date.now() - retentionMs).toISOString().replace("T", " ");
      const rows = newestPage.all(conversation, since, size + 1);
      const edges = rows
        .slice(0, size)
        .reverse()
        .map((row) => ({ cursor: cursor(row.id), node: row }));
      return {
        edges,
        pageInfo: {
          hasPreviousPage: rows.length > size,
          hasNextPage: false,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  },
  FeedItem: {
    __resolveType: (row) => (row.kind === "message" ? "Message" : "OrderEvent"),
  },
  Message: {
    createdAt: (row) => iso(row.created_at),
    readAt: (row) => iso(row.read_at),
    isMine: (row, _, { viewer }) => row.author_id === viewer,
    sender: (row, _, { accounts }) => (row.author_id ? accounts.load(row.author_id) : null),
    order: (row, _, { orders }) => (row.order_id ? orders.load(row.order_id) : null),
  },
  OrderEvent: {
    orderEventType: (row) => row.event.toUpperCase(),
    status: (row) => row.order_status.toUpperCase(),
    previousStatus: (row) => row.previous_status?.toUpperCase() ?? null,
    createdAt: (row) => iso(row.created_at),
    order: (row, _, { orders }) => (row.order_id ? orders.load(row.order_id) : null),
  },
};

const yoga = createYoga({
  schema: createSchema({ typeDefs, resolvers }),
  graphiql: false,
  logging: false,
  context({ request }) {
    const header = request.headers.get("authorization") ?? "";
    const claims = jwt.verify(header.replace(/^Bearer /, ""), args.secret, {
      algorithms: ["HS256"],
    });
    return {
      viewer: Number(claims.sub),
      accounts: new DataLoader(byIds("accounts", "id, name")),
      orders: new DataLoader(byIds("orders", "id, title")),
    };
  },
});

createServer(yoga).listen(Number(args.port), "127.0.0.1", () => {
  console.log(`anchor listening on ${args.port}`);
});
