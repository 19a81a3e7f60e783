// The inbox page: sign in with a token, then the client list, one conversation's
// feed and a composer, kept live over one graphql-transport-ws connection.

import { ClientList } from "./clients.js";
import {
  CONVERSATIONS,
  MARK_READ,
  ME,
  MESSAGE_RECEIVED,
  FEED_UPDATES,
  PRESENCE_CHANGED,
  SEND_MESSAGE,
  UNREAD_INDICATORS,
  UNREAD_SUMMARY,
} from "./documents.js";
import { Feed } from "./feed.js";
import { httpClient, liveClient } from "./graphql.js";

const $ = (id) => document.getElementById(id);

const status = $("status");
const notice = $("notice");
const blocked = $("blocked");
const composer = $("composer");
const send = $("send");
const filter = $("filter");

const clients = new ClientList($("clients"), $("menu-unread"), (id) => session?.open(id));
const feed = new Feed($("feed"), $("older"), showError);
let session = null;

$("connect").addEventListener("click", () => {
  const token = $("token").value.trim();
  if (token) signIn(token);
});
$("token").addEventListener("keydown", (event) => {
  if (event.key === "Enter") $("connect").click();
});
send.addEventListener("click", () => session?.send());
composer.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    session?.send();
  }
});
filter.addEventListener("change", () => session?.reopen());
setInterval(() => feed.tick(), 10_000);

async function signIn(token) {
  session?.close();
  session = null;
  showNotice("");
  const request = httpClient(token);
  let me;
  try {
    ({ me } = await request(ME));
  } catch (error) {
    showNotice(`Sign-in failed: ${error.message}`);
    return;
  }
  $("me").textContent = `Signed in as ${me.name}`;
  session = new Session(me, request, token);
  await session.start();
}

/** Everything one sign-in holds: its token (in memory only), its socket, its views. */
class Session {
  constructor(me, request, token) {
    this.me = me;
    this.request = request;
    this.live = liveClient(token, (text) => (status.textContent = text));
    this.clients = clients;
    this.feed = feed;
    this.conversationId = null;
    this.unsubscribeFeed = null;
    this.unsubscribe = [];
    this.closed = false;
  }

  async start() {
    // Subscribe before loading: what changes while the list loads is applied again after it.
    let buffered = [];
    const indicator = (change) => {
      if (buffered) buffered.push(change);
      this.clients.update(change.conversation);
      this.clients.setTotal(change.summary.totalUnread);
    };
    this.unsubscribe.push(
      this.live.subscribe(UNREAD_INDICATORS, {}, { next: indicator, error: showError }),
      this.live.subscribe(MESSAGE_RECEIVED, {}, {
        next: ({ message }) => {
          if (!this.clients.touch(message.conversationId, message.createdAt)) this.reloadList();
        },
        error: showError,
      }),
      this.live.subscribe(PRESENCE_CHANGED, {}, {
        next: ({ accountId, online }) => this.clients.setPresence(accountId, online),
        error: showError,
      }),
    );
    try {
      await this.reloadList();
    } catch (error) {
      showError(error);
    }
    const missed = buffered;
    buffered = null;
    for (const change of missed) indicator(change);
  }

  async reloadList() {
    const data = await this.request(CONVERSATIONS);
    if (this.closed) return;
    const conversations = data.conversations.edges.map((edge) => edge.node);
    this.clients.load(conversations, data.unreadSummary.totalUnread);
    this.clients.setOpen(this.conversationId);
  }

  /** Open a conversation: its feed, live; and mark it read. */
  async open(conversationId) {
    this.conversationId = conversationId;
    this.clients.setOpen(conversationId);
    $("title").textContent = this.clients.counterpartName(conversationId);
    composer.disabled = false;
    send.disabled = false;
    blocked.hidden = true;
    await Promise.all([this.reopen(), this.markRead()]);
  }

  /** The open conversation's feed again, from its newest page (a new filter, say). */
  async reopen() {
    const conversationId = this.conversationId;
    if (!conversationId) return;
    this.unsubscribeFeed?.();
    this.feed.reset(conversationId, filter.value, this.request);
    let buffered = [];
    const update = (change) => {
      if (buffered) buffered.push(change);
      else this.applyFeedUpdate(change);
    };
    this.unsubscribeFeed = this.live.subscribe(
      FEED_UPDATES,
      { conversationId, filter: filter.value },
      { next: update, error: showError },
    );
    try {
      await this.feed.loadNewest();
    } catch (error) {
      showError(error);
    }
    const missed = buffered;
    buffered = null;
    for (const change of missed) this.applyFeedUpdate(change);
  }

  applyFeedUpdate(change) {
    if (change.conversationId !== undefined && change.conversationId !== this.conversationId) return;
    if (change.kind === "ADDED") {
      this.feed.add(change.item, change.edge?.cursor ?? "");
    } else if (change.kind === "READ" && change.readBy !== this.me.id && change.readUpTo) {
      this.feed.read(change.readUpTo, change.readAt);
    }
  }

  async markRead() {
    const conversationId = this.conversationId;
    try {
      const { markRead } = await this.request(MARK_READ, { conversationId });
      if (markRead.__typename === "Conversation") this.clients.update(markRead);
      else showNotice(markRead.message);
      const { unreadSummary } = await this.request(UNREAD_SUMMARY);
      this.clients.setTotal(unreadSummary.totalUnread);
    } catch (error) {
      showError(error);
    }
  }

  /** Send the composer's text to the open conversation, with a fresh idempotency key. */
  async send() {
    const body = composer.value.trim();
    if (!body || !this.conversationId || send.disabled) return;
    const input = { conversationId: this.conversationId, body, idempotencyKey: newKey() };
    send.disabled = true;
    try {
      let data;
      try {
        data = await this.request(SEND_MESSAGE, { input });
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        data = await this.request(SEND_MESSAGE, { input }); // network: the same key, safely
      }
      this.sent(data.sendMessage);
    } catch (error) {
      showError(error);
    } finally {
      send.disabled = false;
    }
  }

  sent(result) {
    if (result.__typename === "Message") {
      composer.value = "";
      blocked.hidden = true;
      showNotice("");
      this.feed.add(result, "");
    } else if (result.__typename === "MessagingBlocked") {
      blocked.querySelector(".message").textContent = result.message;
      blocked.querySelector(".next-step").textContent = result.nextStep;
      blocked.hidden = false;
    } else {
      blocked.hidden = true;
      showNotice(result.message);
    }
  }

  close() {
    this.closed = true;
    this.unsubscribeFeed?.();
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.live.dispose();
    this.clients.load([], 0);
    this.clients.setOpen(null);
    this.feed.reset(null, filter.value, null);
    $("title").textContent = "";
    $("me").textContent = "";
    composer.disabled = true;
    send.disabled = true;
    blocked.hidden = true;
    status.textContent = "signed out";
  }
}

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs a secure context
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function showNotice(text) {
  notice.textContent = text;
  notice.hidden = !text;
}

function showError(error) {
  showNotice(error instanceof Error ? error.message : String(error));
}
