// A graphql-ws client (default retry rules) that a test can stall: it subscribes to
// messageReceived, keeps the last cursor in the subscription's variables (graphql-ws
// sends the same payload again when it reconnects), and obeys lines on stdin:
//   pause      stop reading the socket (as a frozen or backgrounded app does)
//   resume     read again
//   expect N   exit once N messages have arrived
// It reports on stdout, one JSON object a line: connected, paused, closed (code), done (the
// messages' ids, as the API shows them).
//
// node stalled_subscriber.mjs <ws url> <bearer token> <first cursor>
import { createInterface } from "node:readline";
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, token, after] = process.argv.slice(2);
const say = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const fail = (event) => {
  say(event);
  process.exit(1);
};

let socket = null;
let expected = null;
const ids = [];
const payload = {
  query:
    "subscription Resume($after: String) { messageReceived(after: $after) { cursor message { id body } } }",
  variables: { after },
};

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${token}` },
  on: {
    connected: (connected) => {
      socket = connected;
      say({ event: "connected" });
    },
    closed: (event) => say({ event: "closed", code: event.code }),
  },
});

const finishIfDone = () => {
  if (expected !== null && ids.length >= expected) {
    say({ event: "done", ids });
    client.dispose();
    process.exit(0);
  }
};

client.subscribe(payload, {
  next: ({ data, errors }) => {
    if (errors) fail({ event: "error", errors });
    payload.variables.after = data.messageReceived.cursor;
    ids.push(data.messageReceived.message.id);
    finishIfDone();
  },
  error: (error) => fail({ event: "error", error: String(error?.code ?? error) }),
  complete: () => fail({ event: "error", error: "completed" }),
});

createInterface({ input: process.stdin }).on("line", (line) => {
  const [command, argument] = line.trim().split(" ");
  if (command === "pause") {
    socket.pause();
    say({ event: "paused" });
  } else if (command === "resume") {
    socket.resume();
  } else if (command === "expect") {
    expected = Number(argument);
    finishIfDone();
  }
});
