// How the client scripts report to their pytest test: one JSON object a line on stdout.
// Every console.warn/console.error/console.log (where clients print their warnings) is
// captured and sent with the next line, so the test fails on any warning.
import { createInterface } from "node:readline";

const warnings = [];
for (const level of ["warn", "error", "log", "info", "debug"]) {
  console[level] = (...args) => warnings.push(`${level}: ${args.map(String).join(" ")}`);
}

export const say = (event) => {
  process.stdout.write(`${JSON.stringify({ ...event, warnings: warnings.splice(0) })}\n`);
};

export const fail = (error) => {
  say({ step: "failed", error: String(error?.stack ?? JSON.stringify(error)) });
  process.exit(1);
};
process.on("unhandledRejection", fail);
process.on("uncaughtException", fail);

// `promise`, or a failure naming `what` after `seconds`.
export const within = (seconds, what, promise) =>
  Promise.race([
    promise,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), seconds * 1000),
    ),
  ]);

// The test's go-ahead: resolves with the next line on stdin.
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
export const nextLine = async () => (await lines.next()).value;
