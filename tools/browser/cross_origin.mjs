// Web apps on other origins calling Parley (tests/browser/pages/web_app.html): for each page
// URL, what its fetch and its WebSocket got, and what chromium said on the console.
//
// node cross_origin.mjs '{"pages": {"<name>": "<url>", ...}, "artifacts"}'
import { offlineContext, run } from "./chromium.mjs";

await run(async (browser, steps, { pages }) => {
  const seen = {};
  for (const [name, url] of Object.entries(pages)) {
    steps.begin(name);
    const { context, blocked } = await offlineContext(browser);
    const page = await context.newPage();
    const console = [];
    page.on("console", (message) => {
      if (message.type() === "error") console.push(message.text());
    });
    await page.goto(url);
    const outcome = await page.waitForFunction(() => window.outcome);
    await steps.shot(page, name);
    seen[name] = { ...(await outcome.jsonValue()), console, blocked };
    await context.close();
  }
  return { pages: seen };
});
