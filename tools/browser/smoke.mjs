// The harness itself: chromium opens one URL of a live server; reports its status and text.
//
// node smoke.mjs '{"url": "...", "artifacts": "..."}'
import { offlineContext, run } from "./chromium.mjs";

await run(async (browser, steps, { url }) => {
  const { context, blocked } = await offlineContext(browser);
  const page = await context.newPage();
  steps.begin("open");
  const response = await page.goto(url);
  await steps.shot(page, "opened");
  return { status: response.status(), text: await page.innerText("body"), blocked };
});
