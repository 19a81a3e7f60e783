// Copies graphql-ws's browser ES module build, exactly as npm installed it, into
// static/vendor/graphql-ws/ with its licence. The client imports only its own
// relative chunk, so the browser loads it as it is: no bundler, no build step.
//
// Refresh (after changing the pinned version in package.json):
//   npm install --prefix tools/inbox --save-exact && npm ci --prefix tools/inbox
//   node tools/inbox/copy_vendor.mjs
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "node_modules", "graphql-ws");
const target = join(here, "..", "..", "static", "vendor", "graphql-ws");
const { version } = JSON.parse(readFileSync(join(source, "package.json"), "utf8"));

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });

const pending = ["client.js"];
const copied = new Set();
while (pending.length > 0) {
  const name = pending.pop();
  if (copied.has(name)) continue;
  const text = readFileSync(join(source, "dist", name), "utf8");
  for (const match of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/gm)) {
    const specifier = match[1];
    if (!specifier.startsWith("./")) {
      throw new Error(`${name} imports ${specifier}: not loadable in a browser without a bundler`);
    }
    pending.push(specifier.slice(2));
  }
  copyFileSync(join(source, "dist", name), join(target, name));
  copied.add(name);
}
copyFileSync(join(source, "LICENSE.md"), join(target, "LICENSE.md"));
writeFileSync(
  join(target, "VERSION"),
  `graphql-ws ${version} (npm), copied by tools/inbox/copy_vendor.mjs\n`,
);
console.log(`graphql-ws ${version}: ${[...copied].sort().join(", ")} -> ${target}`);
console.log(readdirSync(target).join("\n"));
