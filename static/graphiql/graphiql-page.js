// Parley's GraphiQL page (web/graphiql.py serves the HTML): everything it runs comes from
// this server, so it works offline and under the page's Content-Security-Policy.
"use strict";

const WELCOME = `# Welcome to Parley's GraphiQL.
#
# Most fields need a signed-in caller. Get a development token with
#
#     make token ACCOUNT=1
#
# then open the Headers tab (below this editor) and paste
#
#     {"Authorization": "Bearer <token>"}
#
# Headers, and so your token, are not saved in this browser unless you
# turn on "Persist headers" in the settings (the gear, bottom left).
#
# Subscriptions run over graphql-transport-ws on this same server.
#
# Run: Ctrl-Enter (or the play button). Complete: Ctrl-Space.

query Me {
  me {
    id
    name
  }
  unreadSummary {
    totalUnread
    conversationsWithUnread
  }
}
`;

const fetchUrl = window.location.origin + window.location.pathname;
const subscriptionUrl = fetchUrl.replace(/^http/, "ws");

// Queries and variables can be shared by URL (?query=&variables=); headers never are.
const parameters = new URLSearchParams(window.location.search);

function updateUrl(name, value) {
  if (value) {
    parameters.set(name, value);
  } else {
    parameters.delete(name);
  }
  const search = parameters.toString();
  history.replaceState(null, "", search ? `?${search}` : window.location.pathname);
}

// GraphiQL keeps its history and tabs in localStorage with each run's headers, whatever
// "Persist headers" says; this storage drops the headers (the token) from what it keeps
// unless the user turned that setting on.
const PERSIST_HEADERS = "graphiql:shouldPersistHeaders";
const WITH_HEADERS = new Set(["graphiql:queries", "graphiql:favorites", "graphiql:tabState"]);

function withoutHeaders(value) {
  try {
    return JSON.stringify(JSON.parse(value), (key, item) => (key === "headers" ? undefined : item));
  } catch {
    return value;
  }
}

const storage = {
  getItem: (key) => localStorage.getItem(key),
  removeItem: (key) => localStorage.removeItem(key),
  clear: () => localStorage.clear(),
  key: (index) => localStorage.key(index),
  get length() {
    return localStorage.length;
  },
  setItem(key, value) {
    const persisting = localStorage.getItem(PERSIST_HEADERS) === "true";
    localStorage.setItem(key, WITH_HEADERS.has(key) && !persisting ? withoutHeaders(value) : value);
  },
};

function ParleyGraphiQL() {
  return React.createElement(GraphiQL, {
    // graphql-ws (graphql-transport-ws) for subscriptions, plain fetch for the rest. Both
    // mark the page's requests: with trusted documents on, Parley runs any document from
    // GraphiQL in debug only (web/documents.py).
    fetcher: GraphiQL.createFetcher({
      url: fetchUrl,
      subscriptionUrl,
      headers: { "X-Parley-GraphiQL": "1" },
      wsConnectionParams: { parleyGraphiQL: true },
    }),
    plugins: [GraphiQLPluginExplorer.explorerPlugin()],
    defaultQuery: WELCOME,
    query: parameters.get("query") ?? undefined,
    variables: parameters.get("variables") ?? undefined,
    onEditQuery: (query) => updateUrl("query", query),
    onEditVariables: (variables) => updateUrl("variables", variables),
    defaultEditorToolsVisibility: "headers",
    isHeadersEditorEnabled: true,
    inputValueDeprecation: true,
    storage,
    // Left unset on purpose: GraphiQL then keeps headers out of localStorage until the
    // user turns on its "Persist headers" setting, which `false` would hide.
    shouldPersistHeaders: undefined,
  });
}

ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(ParleyGraphiQL),
);
