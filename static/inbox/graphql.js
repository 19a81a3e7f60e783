// Talking to Parley: GraphQL over HTTP (fetch) and live subscriptions over
// graphql-transport-ws (the graphql-ws client, vendored in /static/vendor/).

import { createClient } from "/static/vendor/graphql-ws/client.js";

// Subscriptions that take an `after` cursor and replay what came after it.
const RESUMABLE = /\$after\s*:/;

/** A GraphQL request failed as a whole (HTTP status, or top-level `errors`). */
export class RequestFailed extends Error {}

/** `request(document, variables)` → the `data` object, sent with the bearer token. */
export function httpClient(token) {
  return async function request(query, variables = {}) {
    const response = await fetch("/graphql", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/graphql-response+json, application/json",
        Authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ query, variables }),
    });
    let result;
    try {
      result = await response.json();
    } catch {
      throw new RequestFailed(`HTTP ${response.status} from /graphql`);
    }
    if (result.errors?.length) {
      throw new RequestFailed(result.errors.map((error) => error.message).join("; "));
    }
    if (!response.ok || !result.data) {
      throw new RequestFailed(`HTTP ${response.status} from /graphql`);
    }
    return result.data;
  };
}

/**
 * One WebSocket for all of a session's subscriptions. `onStatus` hears
 * "connecting", "connected" (acknowledged) and "reconnecting" (retrying).
 */
export function liveClient(token, onStatus) {
  let disposed = false;
  let newestCursor = null;
  const url = new URL("/graphql", window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const client = createClient({
    url: url.href,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: (retries) =>
      new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 8000))),
    onNonLazyError: () => !disposed && onStatus("disconnected"),
  });
  client.on("connecting", (isRetry) => !disposed && onStatus(isRetry ? "reconnecting" : "connecting"));
  client.on("connected", () => !disposed && onStatus("connected"));
  client.on("closed", () => !disposed && onStatus("reconnecting"));

  return {
    /**
     * Subscribe; `next` gets the root field's payload. graphql-ws sends this same
     * payload object again when it resubscribes after a reconnect, so keeping
     * `variables.after` at the newest cursor seen makes Parley replay exactly what
     * was missed (graphql-ws 6.4.2, pinned in tools/inbox). Every stream's cursor is a
     * position in the caller's one event log, so a stream that has seen nothing yet
     * starts from the newest cursor any stream saw: a reconnect cannot skip its events.
     */
    subscribe(query, variables, { next, error }) {
      const payload = { query, variables: { ...variables } };
      if (RESUMABLE.test(query) && payload.variables.after == null) {
        payload.variables.after = newestCursor;
      }
      return client.subscribe(payload, {
        next(result) {
          if (result.errors?.length) {
            error(new RequestFailed(result.errors.map((e) => e.message).join("; ")));
            return;
          }
          const data = Object.values(result.data ?? {})[0];
          if (data && typeof data.cursor === "string") {
            payload.variables.after = data.cursor;
            newestCursor = data.cursor;
          }
          next(data);
        },
        error(reason) {
          error(reason instanceof Error ? reason : new RequestFailed(describe(reason)));
        },
        complete() {},
      });
    },
    dispose() {
      disposed = true;
      client.dispose();
    },
  };
}

function describe(reason) {
  if (Array.isArray(reason)) return reason.map((e) => e.message).join("; ");
  if (reason && typeof reason === "object" && "code" in reason) {
    return `the connection closed (${reason.code} ${reason.reason ?? ""})`.trim();
  }
  return String(reason);
}
