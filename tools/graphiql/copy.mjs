// Copies the GraphiQL page's pinned assets from node_modules into static/graphiql/vendor/,
// with the licence of every package they come from. Run by `make graphiql-assets` after
// `npm ci`; the output is committed, so serving GraphiQL never needs Node or the network.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const vendor = join(here, "..", "..", "static", "graphiql", "vendor");

// The files the page loads (web/graphiql.py), by package: [file in the package, name served].
const ASSETS = {
  react: [["umd/react.production.min.js", "react.production.min.js"]],
  "react-dom": [["umd/react-dom.production.min.js", "react-dom.production.min.js"]],
  graphiql: [
    ["graphiql.min.js", "graphiql.min.js"],
    ["graphiql.min.css", "graphiql.min.css"],
  ],
  "@graphiql/plugin-explorer": [
    ["dist/index.umd.js", "plugin-explorer.umd.js"],
    ["dist/style.css", "plugin-explorer.css"],
  ],
};
// @graphiql/plugin-explorer ships no LICENSE file; it is MIT, from the same repository
// (github.com/graphql/graphiql) as graphiql, whose LICENSE is that repository's.
const LICENSE_FROM = { "@graphiql/plugin-explorer": "graphiql" };

function manifest(path) {
  return JSON.parse(readFileSync(join(path, "package.json"), "utf8"));
}

function licenseText(path) {
  const name = readdirSync(path).find((file) => /^(licen[cs]e|copying)(\.|$)/i.test(file));
  return name ? readFileSync(join(path, name), "utf8").trim() : null;
}

function notice(name, path, textPath = path) {
  const { version, license } = manifest(path);
  const text = licenseText(textPath) ?? `(no licence file in the package; package.json says ${license})`;
  return `${name}@${version} (${license})\n\n${text}\n`;
}

rmSync(vendor, { recursive: true, force: true });
mkdirSync(join(vendor, "licenses"), { recursive: true });
for (const [name, files] of Object.entries(ASSETS)) {
  const path = join(modules, name);
  for (const [from, to] of files) copyFileSync(join(path, from), join(vendor, to));
  const textPath = join(modules, LICENSE_FROM[name] ?? name);
  writeFileSync(join(vendor, "licenses", `${name.replace("/", "-").replace("@", "")}.txt`), notice(name, path, textPath));
}

// Everything else the lock file installs: what graphiql.min.js and the explorer bundle.
const lock = JSON.parse(readFileSync(join(here, "package-lock.json"), "utf8"));
const bundled = Object.keys(lock.packages)
  .filter((key) => key.startsWith("node_modules/"))
  .map((key) => [key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length), join(here, key)])
  .filter(([name, path]) => !(name in ASSETS) && existsSync(path))
  .sort(([a], [b]) => a.localeCompare(b));
const sections = bundled.map(([name, path]) => notice(name, path));
writeFileSync(
  join(vendor, "licenses", "THIRD-PARTY.txt"),
  "Packages bundled into graphiql.min.js and plugin-explorer.umd.js (the dependencies\n" +
    "that tools/graphiql/package-lock.json installs with them), and their licences.\n\n" +
    sections.join("\n" + "-".repeat(78) + "\n\n"),
);
