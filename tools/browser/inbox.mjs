// The /inbox page (its DOM contract: the brief inbox-contract.md) in two browser contexts, a
// client and a freelancer in one conversation, with the internet cut off: a message typed by
// the client reaches the freelancer live, raises the unread bubbles, opening the conversation
// clears them, the client sees the read receipt, and each sees the other online.
//
// node inbox.mjs '{"url", "client", "freelancer", "conversation", "first", "second", "artifacts"}'
//   client/freelancer   bearer tokens; first/second   the two message bodies the client sends
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

const item = (page, body, mine = false) =>
  page
    .locator(mine ? "#feed li.item.mine" : "#feed li.item")
    .filter({ has: page.locator(".body", { hasText: body }) });

async function signIn(browser, url, token, conversation) {
  const { context, blocked } = await offlineContext(browser);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(url);
  await page.fill("#token", token);
  await page.click("#connect");
  await textOf(page, "#status", "connected");
  const row = page.locator(`#clients li.client[data-conversation-id="${conversation}"]`);
  await row.waitFor();
  return { page, row, blocked, errors };
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

  return {
    before,
    raised,
    read,
    sentReceipt,
    readReceipt: (await readReceipt.textContent()) ?? "",
    blocked: [...client.blocked, ...freelancer.blocked],
    errors: [...client.errors, ...freelancer.errors],
  };
});
