// One conversation's feed (#feed): oldest at the top, newest at the bottom; older
// pages load above (#older, or scrolling to the top); live items arrive below.

import { receiptText } from "./ago.js";
import { FEED } from "./documents.js";

const KIND = {
  Message: "message",
  OrderEvent: "order",
  CallInviteEvent: "call",
  SupportRequestEvent: "support",
};
const FILTER_SHOWS = {
  ALL: new Set(Object.keys(KIND)),
  ORDERS: new Set(["OrderEvent"]),
  MESSAGES: new Set(["Message"]),
  CALLS: new Set(["CallInviteEvent"]),
  SUPPORT: new Set(["SupportRequestEvent"]),
};

export class Feed {
  constructor(list, olderButton, onError) {
    this.list = list;
    this.olderButton = olderButton;
    this.request = null;
    this.items = new Map(); // item id → { node, element }
    this.conversationId = null;
    this.filter = "ALL";
    this.startCursor = null;
    this.hasPrevious = false;
    this.loading = null;
    olderButton.addEventListener("click", () => this.loadOlder().catch(onError));
    list.addEventListener("scroll", () => {
      if (list.scrollTop === 0) this.loadOlder().catch(onError);
    });
  }

  /** Empty the feed for another conversation, filter or sign-in; then call loadNewest. */
  reset(conversationId, filter, request) {
    this.request = request;
    this.conversationId = conversationId;
    this.filter = filter;
    this.items.clear();
    this.startCursor = null;
    this.hasPrevious = false;
    this.loading = null;
    this.list.replaceChildren();
    this.olderButton.disabled = true;
  }

  /** The newest page, scrolled to the bottom. */
  async loadNewest() {
    const page = await this.page(null);
    if (!page) return;
    this.list.append(...this.elements(page.edges));
    this.list.scrollTop = this.list.scrollHeight;
  }

  /** The page before the oldest item shown, keeping what is on screen in place. */
  async loadOlder() {
    if (!this.hasPrevious || this.loading) return;
    const page = await this.page(this.startCursor);
    if (!page) return;
    const before = this.list.scrollHeight;
    this.list.prepend(...this.elements(page.edges));
    this.list.scrollTop += this.list.scrollHeight - before;
  }

  async page(before) {
    const conversationId = this.conversationId;
    const filter = this.filter;
    this.olderButton.disabled = true;
    this.loading = this.request(FEED, { conversationId, filter, before });
    let data;
    try {
      data = await this.loading;
    } finally {
      this.loading = null;
    }
    if (conversationId !== this.conversationId || filter !== this.filter) return null;
    const { edges, pageInfo } = data.feed;
    this.hasPrevious = pageInfo.hasPreviousPage;
    if (pageInfo.startCursor) this.startCursor = pageInfo.startCursor;
    this.olderButton.disabled = !this.hasPrevious;
    return { edges: edges.filter((edge) => !this.items.has(edge.node.id)) };
  }

  elements(edges) {
    return edges.map((edge) => this.element(edge.node, edge.cursor));
  }

  /** A new item (live or just sent) at the bottom, unless shown already or filtered out. */
  add(node, cursor) {
    if (!node || this.items.has(node.id) || !FILTER_SHOWS[this.filter].has(node.__typename)) return;
    const atBottom =
      this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    this.list.append(this.element(node, cursor));
    if (atBottom || node.isMine) this.list.scrollTop = this.list.scrollHeight;
  }

  /**
   * The counterpart read everything up to `upTo`: the caller's messages show "read".
   * Ids are opaque, so "up to" is a position: the list is chronological, top to bottom.
   * When that item is not shown (another filter), what was written before the read counts.
   */
  read(upTo, readAt) {
    const last = this.items.get(upTo)?.element;
    const covered = (node, element) =>
      last
        ? element === last ||
          Boolean(element.compareDocumentPosition(last) & window.Node.DOCUMENT_POSITION_FOLLOWING)
        : Date.parse(node.createdAt) <= Date.parse(readAt);
    for (const { node, element } of this.items.values()) {
      const mineUnread = node.__typename === "Message" && node.isMine && !node.readAt;
      if (mineUnread && covered(node, element)) {
        node.readAt = readAt;
        element.classList.add("read");
        this.refreshReceipt(node, element);
      }
    }
  }

  /** Keep every "sent N ago" current. */
  tick() {
    for (const { node, element } of this.items.values()) this.refreshReceipt(node, element);
  }

  refreshReceipt(node, element) {
    const receipt = element.querySelector(".receipt");
    if (receipt) receipt.textContent = receiptText(node);
  }

  element(node, cursor) {
    const item = document.createElement("li");
    item.className = "item";
    item.dataset.cursor = cursor;
    item.dataset.kind = KIND[node.__typename] ?? "other";
    item.dataset.id = node.id;
    if (node.__typename === "Message") {
      const body = document.createElement("p");
      body.className = "body";
      body.textContent = node.body;
      item.append(body);
      if (node.isMine) {
        item.classList.add("mine");
        if (node.readAt) item.classList.add("read");
        const receipt = document.createElement("span");
        receipt.className = "receipt";
        receipt.textContent = receiptText(node);
        item.append(receipt);
      } else {
        const sender = document.createElement("span");
        sender.className = "sender";
        sender.textContent = node.sender.name;
        item.prepend(sender);
      }
    } else {
      const event = document.createElement("p");
      event.className = "event";
      event.textContent = describeEvent(node);
      item.append(event);
    }
    this.items.set(node.id, { node: { ...node }, element: item });
    return item;
  }
}

function describeEvent(node) {
  const words = (value) => String(value).toLowerCase().replaceAll("_", " ");
  switch (node.__typename) {
    case "OrderEvent":
      return `Order “${node.order?.title ?? "?"}”: ${words(node.orderEventType)} (${words(node.orderStatus)})`;
    case "CallInviteEvent":
      return `Call invite ${words(node.callEventType)}`;
    case "SupportRequestEvent":
      return `Support request ${words(node.supportStatus)}${node.note ? `: ${node.note}` : ""}`;
    default:
      return node.__typename;
  }
}
