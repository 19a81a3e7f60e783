// Apollo's automatic persisted queries end to end: createPersistedQueryLink (sha256 from
// node:crypto) in front of HttpLink runs one query twice. Reports each request as the
// server received it (hash, and whether the full document came along) and each answer.
//
// node persisted_queries.mjs <http url> <viewer token>
import { createHash } from "node:crypto";
import { fail, say } from "./report.mjs";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client/core/index.js";
import { loadDevMessages, loadErrorMessages } from "@apollo/client/dev/index.js";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries/index.js";

loadDevMessages();
loadErrorMessages();
const [httpUrl, token] = process.argv.slice(2);
const ME = gql`
  query PersistedMe { me { id name } }
`;

const requests = [];
const recordingFetch = async (url, init) => {
  const body = JSON.parse(init.body);
  const response = await fetch(url, init);
  const answer = await response.clone().json();
  requests.push({
    hash: body.extensions?.persistedQuery?.sha256Hash ?? null,
    withQuery: typeof body.query === "string",
    status: response.status,
    errors: (answer.errors ?? []).map((error) => error.extensions?.code ?? error.message),
  });
  return response;
};

const link = createPersistedQueryLink({
  sha256: (text) => createHash("sha256").update(text).digest("hex"),
}).concat(new HttpLink({ uri: httpUrl, fetch: recordingFetch, headers: { authorization: `Bearer ${token}` } }));
const client = new ApolloClient({ link, cache: new InMemoryCache() });

try {
  for (const step of ["first", "second"]) {
    const result = await client.query({ query: ME, fetchPolicy: "network-only" });
    say({ step, cache: result.data, requests: requests.splice(0) });
  }
} catch (error) {
  fail(error);
}
say({ step: "done" });
process.exit(0);
