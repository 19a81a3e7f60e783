// Relay (relay-runtime, documents compiled by relay-compiler from relay/RelayNode.js)
// refetches a Message and an Order through `node(id:)`, and reports what its store holds.
// Between the two reads of the order the test changes it, and says so on stdin.
//
// node relay_node.mjs <http url> <viewer token> <message id> <order id>
import relay from "relay-runtime";
import { fail, nextLine, say, within } from "./report.mjs";
import MessageQuery from "./relay/__generated__/RelayNodeMessageQuery.graphql.js";
import OrderQuery from "./relay/__generated__/RelayNodeOrderQuery.graphql.js";

const { Environment, Network, RecordSource, Store, createOperationDescriptor, fetchQuery } = relay;
const [httpUrl, token, messageId, orderId] = process.argv.slice(2);

const network = Network.create(async (params, variables) => {
  const response = await fetch(httpUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: params.text, operationName: params.name, variables }),
  });
  return response.json();
});
const environment = new Environment({ network, store: new Store(new RecordSource()) });

// The record as the store holds it (Relay keys records by the global id), and the query's
// data read back from the store.
const stored = async (query, id) => {
  await fetchQuery(environment, query, { id }, { fetchPolicy: "network-only" }).toPromise();
  const operation = createOperationDescriptor(query, { id });
  const { data } = environment.lookup(operation.fragment);
  const { __id, ...record } = environment.getStore().getSource().get(id) ?? {};
  return { data, record };
};

try {
  say({ step: "message", cache: await stored(MessageQuery, messageId) });
  say({ step: "order", cache: await stored(OrderQuery, orderId) });
  say({ event: "waiting" }); // the test now moves the order along
  await within(10, "the test's go-ahead", nextLine());
  say({ step: "orderRefetched", cache: await stored(OrderQuery, orderId) });
} catch (error) {
  fail(error);
}
say({ step: "done" });
process.exit(0);
