// What every browser driver shares: Debian's chromium launched through playwright-core, the
// internet cut off (only loopback answers), a screenshot per step, JSON lines on stdout.
//
// A driver takes one argument, a JSON object with at least `artifacts` (the folder its
// screenshots go to), and reports on stdout one JSON object a line: `step` (a screenshot
// taken), `done` (what it saw) or `error` (where it stopped waiting, and why).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

export const WAIT_MS = Number(process.env.PARLEY_BROWSER_WAIT_MS ?? 15000);
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

export const say = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

export const config = () => JSON.parse(process.argv[2]);

export async function launch() {
  return chromium.launch({
    executablePath: process.env.PARLEY_CHROMIUM ?? "/usr/bin/chromium",
    timeout: WAIT_MS,
  });
}

/** A browser context where every request to a host other than loopback is aborted. */
export async function offlineContext(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(WAIT_MS);
  const blocked = [];
  await context.route("**", (route) => {
    const url = new URL(route.request().url());
    if (LOOPBACK.has(url.hostname)) return route.continue();
    blocked.push(url.href);
    return route.abort("internetdisconnected");
  });
  return { context, blocked };
}

/** Numbered screenshots in the artefacts folder, one per step, each announced on stdout. */
export class Steps {
  constructor(folder) {
    this.folder = folder;
    this.count = 0;
    this.current = "start";
    mkdirSync(folder, { recursive: true });
  }

  begin(name) {
    this.current = name;
  }

  async shot(page, name) {
    this.count += 1;
    const file = path.join(this.folder, `${String(this.count).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    say({ event: "step", name, file });
  }
}

/** Waits until `selector`'s text satisfies `wanted` (a string it contains, or a RegExp). */
export async function textOf(page, selector, wanted) {
  const source = wanted instanceof RegExp ? wanted.source : null;
  const flags = wanted instanceof RegExp ? wanted.flags : "";
  await page.waitForFunction(
    ({ selector, text, source, flags }) => {
      const found = document.querySelector(selector);
      if (!found) return false;
      const content = found.textContent ?? "";
      return source === null ? content.includes(text) : new RegExp(source, flags).test(content);
    },
    { selector, text: wanted instanceof RegExp ? null : wanted, source, flags },
  );
  return (await page.textContent(selector)) ?? "";
}

/** Runs `drive(browser, steps)`; reports `done` with its result or `error`, then exits. */
export async function run(drive) {
  const options = config();
  const steps = new Steps(options.artifacts);
  const browser = await launch();
  try {
    const result = await drive(browser, steps, options);
    say({ ...result, event: "done" });
  } catch (error) {
    say({ event: "error", step: steps.current, error: String(error?.stack ?? error) });
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}
