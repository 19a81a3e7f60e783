// GraphiQL as a user meets it, with the internet cut off: the page renders, a token pasted
// in the headers editor signs a query in, and a subscription shows what another client sends.
// Reports `subscribed` once the subscription runs; the test then triggers its event.
//
// node graphiql.mjs '{"url", "token", "query", "answer", "subscription", "event", "artifacts"}'
//   query/subscription   documents to run; answer/event   text their results must show
import { offlineContext, run, say, textOf } from "./chromium.mjs";

/** Replaces an editor's whole text (CodeMirror or Monaco) without its auto-closing brackets. */
async function replaceText(page, editor, text) {
  await page.locator(editor).first().click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
}

/** Types a document and waits until GraphiQL has taken it in: it reads the text when it runs,
 * but the operation's name and kind only after a debounce that ends by storing the text. */
async function typeDocument(page, document) {
  await replaceText(page, QUERY_EDITOR, document);
  await page.waitForFunction((text) => localStorage.getItem("graphiql:query") === text, document);
}

const HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden)";
const QUERY_EDITOR = ".graphiql-query-editor .graphiql-editor, .graphiql-query-editor";
const RESPONSE = ".graphiql-response";

async function execute(page) {
  await page.locator(".graphiql-execute-button").click();
}

await run(async (browser, steps, options) => {
  const { context, blocked } = await offlineContext(browser);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));

  steps.begin("load");
  const response = await page.goto(options.url);
  // The editor rendered inside GraphiQL's container (a page may give its root the class too).
  await page.locator(".graphiql-container .graphiql-query-editor").first().waitFor();
  await steps.shot(page, "loaded");
  const welcome = await page.locator(QUERY_EDITOR).first().innerText();

  steps.begin("headers");
  await page.locator(".graphiql-editor-tools").getByText("Headers", { exact: true }).click();
  await replaceText(
    page,
    HEADERS_EDITOR,
    JSON.stringify({ Authorization: `Bearer ${options.token}` }),
  );
  await steps.shot(page, "token-pasted");

  steps.begin("query");
  await typeDocument(page, options.query);
  await execute(page);
  const answer = await textOf(page, RESPONSE, options.answer);
  await steps.shot(page, "query-answered");

  steps.begin("subscription");
  await typeDocument(page, options.subscription);
  await execute(page);
  // GraphiQL shows a stop button while a subscription runs.
  await page.locator(".graphiql-execute-button[aria-label*='Stop' i]").waitFor();
  await steps.shot(page, "subscribed");
  say({ event: "subscribed" });
  const pushed = await textOf(page, RESPONSE, options.event);
  await steps.shot(page, "subscription-event");

  return {
    status: response.status(),
    csp: response.headers()["content-security-policy"] ?? null,
    welcome,
    answer,
    pushed,
    blocked,
    errors,
    persisted: await page.evaluate(() => ({ ...localStorage })),
  };
});
