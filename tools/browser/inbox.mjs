// The /inbox page (its DOM contract: the brief inbox-contract.md) in two browser contexts, a
// client and a freelancer in one conversation, with the internet cut off: the freelancer's
// client list puts that conversation (unread) above a newer one with nothing unread, a message
// typed by the client reaches the freelancer live, raises the unread bubbles, opening the
// conversation clears them, the client sees the read receipt, and each sees the other online.
// Then, on the freelancer's side: the feed filter, the older page, a reconnect that resumes
// from the last cursor, and a send refused by a messaging rule.
//
// node inbox.mjs '{"url", "client", "freelancer", "conversation", "newer", "first", "second",
//                  "oldest", "missed", "after", "refused", "artifacts"}'
//   conversation   the pair's, unread for the freelancer; newer   another of the freelancer's,
//                  with later activity and nothing unread
//   client/freelancer   bearer tokens; first/second   the two message bodies the client sends
//   oldest   the data-cursor of the conversation's oldest item (not on the newest page)
//   missed/after   bodies the client sends through the API while the freelancer is offline,
//                  and once it is back; refused   what the freelancer tries to send once the
//                  client turned messaging off
import { offlineContext, run, textOf } from "./chromium.mjs";

const number = async (page, selector) =>
  Number(((await page.textContent(selector)) ?? "").trim() || "0");

async function waitForNumber(page, selector, wanted) {
  await page.waitForFunction(
    ({ selector, wanted }) =>
      Number((document.querySelector(selector)?.textContent ?? "").trim() || "0") === wanted,
    { selector, wanted },
  );
}

/** A GraphQL request to Parley from outside the browser (the other side, through the API). */
async function graphql(url, token, query, variables) {
  const response = await fetch(new URL("/graphql", url), {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const result = await response.json();
  if (!response.ok || result.errors?.length) throw new Error(JSON.stringify(result));
  return result.data;
}

const SEND = `mutation($input: SendMessageInput!) {
  sendMessage(input: $input) { __typename ... on Error { code message } } }`;
const MESSAGING = `mutation($enabled: Boolean!) {
  setMessagingEnabled(enabled: $enabled) { __typename } }`;

async function sendThroughApi(url, token, conversationId, body) {
  const { sendMessage } = await graphql(url, token, SEND, { input: { conversationId, body } });
  if (sendMessage.__typename !== "Message") throw new Error(JSON.stringify(sendMessage));
}

/** The feed's item kinds (sorted), once it holds items of every kind in `wanted` and no other. */
async function kindsWhen(page, wanted) {
  await page.waitForFunction((wanted) => {
    const items = [...document.querySelectorAll("#feed li.item")];
    const kinds = new Set(items.map((item) => item.dataset.kind));
    return items.length > 0 && [...kinds].every((kind) => wanted.includes(kind)) &&
      wanted.every((kind) => kinds.has(kind));
  }, wanted);
  return page.$$eval("#feed li.item", (items) =>
    [...new Set(items.map((i) => i.dataset.kind))].sort(),
  );
}

const item = (page, body, mine = false) =>
  page
    .locator(mine ? "#feed li.item.mine" : "#feed li.item")
    .filter({ has: page.locator(".body", { hasText: body }) });

/**
 * The context's sockets to /graphql pass through Playwright's WebSocket route, so that
 * `cut()` can drop them as a lost network does (close code 1006, and the server's side
 * closed) and refuse new ones until `restore()`: Chromium's offline emulation
 * (`context.setOffline`) stops fetch but leaves an open WebSocket connected.
 */
async function cuttableSockets(context) {
  const open = new Set();
  let down = false;
  await context.routeWebSocket(/\/graphql$/, (socket) => {
    if (down) return socket.close({ code: 1006, reason: "offline" });
    const server = socket.connectToServer();
    open.add({ socket, server });
  });
  return {
    async cut() {
      down = true;
      await context.setOffline(true);
      for (const { socket, server } of open) {
        await server.close({ code: 1006, reason: "offline" });
        await socket.close({ code: 1006, reason: "offline" });
      }
      open.clear();
    },
    async restore() {
      down = false;
      await context.setOffline(false);
    },
  };
}

async function signIn(browser, url, token, conversation) {
  const { context, blocked } = await offlineContext(browser);
  const network = await cuttableSockets(context);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(url);
  await page.fill("#token", token);
  await page.click("#connect");
  await textOf(page, "#status", "connected");
  const row = page.locator(`#clients li.client[data-conversation-id="${conversation}"]`);
  await row.waitFor();
  return { network, page, row, blocked, errors };
}

await run(async (browser, steps, options) => {
  const { url, conversation, first, second } = options;
  steps.begin("sign in");
  const client = await signIn(browser, url, options.client, conversation);
  await steps.shot(client.page, "client-signed-in");
  const freelancer = await signIn(browser, url, options.freelancer, conversation);
  // Each sees the other's dot turn online once both are connected.
  await client.row.locator(".presence.online").waitFor();
  await freelancer.row.locator(".presence.online").waitFor();
  await steps.shot(freelancer.page, "freelancer-signed-in");
  const rowUnread = `#clients li.client[data-conversation-id="${conversation}"] .unread`;
  const bubbles = async () => ({
    menu: await number(freelancer.page, "#menu-unread"),
    row: await number(freelancer.page, rowUnread),
  });
  // The pair's first message is unread: wait until both bubbles have loaded it.
  await freelancer.page.waitForFunction((rowUnread) => {
    const count = (selector) =>
      Number((document.querySelector(selector)?.textContent ?? "").trim() || "0");
    return count(rowUnread) >= 1 && count("#menu-unread") >= count(rowUnread);
  }, rowUnread);
  const before = await bubbles();

  steps.begin("unread first in the client list");
  await freelancer.page
    .locator(`#clients li.client[data-conversation-id="${options.newer}"]`)
    .waitFor();
  await freelancer.page
    .locator(`#clients li.client:first-child[data-conversation-id="${conversation}"]`)
    .waitFor();
  const clients = await freelancer.page.$$eval("#clients li.client", (items) =>
    items.map((item) => item.dataset.conversationId),
  );
  await steps.shot(freelancer.page, "freelancer-unread-first");

  steps.begin("client sends");
  await client.row.click();
  await client.page.locator("#feed li.item").first().waitFor();
  await client.page.fill("#composer", first);
  await client.page.click("#send");
  const mine = item(client.page, first, true);
  await mine.waitFor();
  const sentReceipt = (await mine.locator(".receipt").textContent()) ?? "";
  await steps.shot(client.page, "client-sent");

  steps.begin("freelancer's bubbles rise");
  await waitForNumber(freelancer.page, "#menu-unread", before.menu + 1);
  await waitForNumber(freelancer.page, rowUnread, before.row + 1);
  const raised = await bubbles();
  await steps.shot(freelancer.page, "freelancer-unread");

  steps.begin("freelancer reads");
  await freelancer.row.click();
  await item(freelancer.page, first).waitFor();
  await waitForNumber(freelancer.page, rowUnread, 0);
  await waitForNumber(freelancer.page, "#menu-unread", before.menu - before.row);
  const read = await bubbles();
  await steps.shot(freelancer.page, "freelancer-read");

  steps.begin("client sees the read receipt");
  const readReceipt = mine.locator(".receipt", { hasText: "read" });
  await readReceipt.waitFor();
  await steps.shot(client.page, "client-sees-read");

  steps.begin("a message arrives live in the open conversation");
  await client.page.fill("#composer", second);
  await client.page.click("#send");
  await item(freelancer.page, second).waitFor();
  await steps.shot(freelancer.page, "freelancer-live");

  const fp = freelancer.page;
  steps.begin("the filter shows only messages");
  await fp.selectOption("#filter", "MESSAGES");
  const messages = await kindsWhen(fp, ["message"]);
  await steps.shot(fp, "filter-messages");
  steps.begin("the filter shows only orders");
  await fp.selectOption("#filter", "ORDERS");
  const orders = await kindsWhen(fp, ["order"]);
  await steps.shot(fp, "filter-orders");
  steps.begin("the filter shows all");
  await fp.selectOption("#filter", "ALL");
  const all = await kindsWhen(fp, ["message", "order"]);
  await steps.shot(fp, "filter-all");

  steps.begin("older items load above");
  const oldest = fp.locator(`#feed li.item[data-cursor="${options.oldest}"]`);
  const oldestAtFirst = await oldest.count();
  const shownAtFirst = await fp.locator("#feed li.item").count();
  await fp.click("#older");
  await fp.locator(`#feed li.item:first-child[data-cursor="${options.oldest}"]`).waitFor();
  const shownAfterOlder = await fp.locator("#feed li.item").count();
  await steps.shot(fp, "older-loaded");

  steps.begin("offline: the socket drops");
  await freelancer.network.cut();
  await textOf(fp, "#status", "reconnecting");
  await sendThroughApi(url, options.client, conversation, options.missed);
  await steps.shot(fp, "offline");
  steps.begin("back online: the missed message once");
  await freelancer.network.restore();
  await textOf(fp, "#status", "connected");
  await item(fp, options.missed).waitFor();
  // A message sent after it has arrived: anything the resume replayed twice is in by then.
  await sendThroughApi(url, options.client, conversation, options.after);
  await item(fp, options.after).waitFor();
  const missedShown = await item(fp, options.missed).count();
  const status = ((await fp.textContent("#status")) ?? "").trim();
  await steps.shot(fp, "resumed");

  steps.begin("a send refused by a messaging rule");
  await graphql(url, options.client, MESSAGING, { enabled: false });
  await fp.fill("#composer", options.refused);
  await fp.click("#send");
  await fp.locator("#blocked").waitFor({ state: "visible" });
  const blockedShown = {
    message: ((await fp.textContent("#blocked .message")) ?? "").trim(),
    nextStep: ((await fp.textContent("#blocked .next-step")) ?? "").trim(),
  };
  await steps.shot(fp, "blocked");

  return {
    clients,
    before,
    raised,
    read,
    sentReceipt,
    readReceipt: (await readReceipt.textContent()) ?? "",
    filters: { messages, orders, all },
    older: { oldestAtFirst, shownAtFirst, shownAfterOlder },
    resumed: { missedShown, status },
    blockedShown,
    blocked: [...client.blocked, ...freelancer.blocked],
    errors: [...client.errors, ...freelancer.errors],
  };
});
