// The client list (#clients) and the menu bubble (#menu-unread): one entry per
// conversation, unread first, then the newest activity.

export class ClientList {
  constructor(list, menuBubble, onOpen) {
    this.list = list;
    this.menuBubble = menuBubble;
    this.conversations = new Map();
    this.online = new Map();
    this.openId = null;
    list.addEventListener("click", (event) => {
      const item = event.target.closest("li.client");
      if (item && list.contains(item)) onOpen(item.dataset.conversationId);
    });
    list.addEventListener("keydown", (event) => {
      const item = event.target.closest("li.client");
      if (item && event.key === "Enter") onOpen(item.dataset.conversationId);
    });
  }

  /** Replace the whole list (a fresh load). */
  load(conversations, totalUnread) {
    this.conversations.clear();
    for (const conversation of conversations) this.remember(conversation);
    this.setTotal(totalUnread);
    this.render();
  }

  /** One conversation's new state (an unread indicator, markRead's answer). */
  update(conversation) {
    this.remember(conversation);
    this.render();
  }

  /** A message in a conversation: it moves up; false when the list does not know it yet. */
  touch(conversationId, at) {
    const known = this.conversations.get(conversationId);
    if (!known) return false;
    if (Date.parse(at) > Date.parse(known.lastActivityAt)) {
      known.lastActivityAt = at;
      this.render();
    }
    return true;
  }

  setPresence(accountId, online) {
    this.online.set(accountId, online);
    this.render();
  }

  setTotal(totalUnread) {
    this.menuBubble.textContent = String(totalUnread);
  }

  setOpen(conversationId) {
    this.openId = conversationId;
    this.render();
  }

  counterpartName(conversationId) {
    return this.conversations.get(conversationId)?.counterpart.name ?? "";
  }

  remember(conversation) {
    this.conversations.set(conversation.id, { ...conversation });
    const presence = conversation.counterpartPresence;
    if (presence) this.online.set(presence.accountId, presence.online);
  }

  render() {
    const ordered = [...this.conversations.values()].sort(
      (a, b) =>
        Number(b.unreadCount > 0) - Number(a.unreadCount > 0) ||
        Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt),
    );
    this.list.replaceChildren(...ordered.map((conversation) => this.entry(conversation)));
  }

  entry(conversation) {
    const item = document.createElement("li");
    item.className = "client";
    item.dataset.conversationId = conversation.id;
    item.tabIndex = 0;
    if (conversation.id === this.openId) item.classList.add("open");
    const online = this.online.get(conversation.counterpart.id) ?? false;
    const presence = document.createElement("span");
    presence.className = `presence ${online ? "online" : "offline"}`;
    presence.title = online ? "online" : "offline";
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = conversation.counterpart.name;
    const unread = document.createElement("span");
    unread.className = "unread";
    unread.textContent = conversation.unreadCount > 0 ? String(conversation.unreadCount) : "";
    item.append(presence, name, unread);
    return item;
  }
}
