// Runs the graphql-http package's audit of the GraphQL-over-HTTP specification against the
// server whose GraphQL endpoint URL is the first argument, and prints one JSON object per
// audit on its own line: {"id", "name", "status", "reason"}. The status is "ok", "notice",
// "warn" (a SHOULD or MAY requirement not met) or "error" (a MUST requirement not met).
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}

const results = await auditServer({ url });
for (const result of results) {
  const line = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    line.reason = result.reason;
  }
  console.log(JSON.stringify(line));
}
