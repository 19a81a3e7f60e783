// Runs graphql-http's GraphQL-over-HTTP conformance audits against one server and
// prints one JSON line per audit: {id, name, status, reason?}. Usage: node audit.mjs URL
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  process.stderr.write('usage: node audit.mjs http://host:port/graphql\n');
  process.exit(2);
}

for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  const line = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    line.reason = result.reason;
  }
  process.stdout.write(JSON.stringify(line) + '\n');
}
