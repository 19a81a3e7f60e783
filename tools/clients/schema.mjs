// What caching clients need to know about Parley's schema, read from the committed
// schema.graphql (never a hand-kept list): possibleTypes for Apollo's InMemoryCache, the
// introspection for urql's graphcache, and the types without an `id` (embedded in their
// parent, not normalized).
//
// node schema.mjs   prints Apollo's possibleTypes as JSON (to commit in a front-end app)
import { readFileSync } from "node:fs";
import {
  buildSchema,
  introspectionFromSchema,
  isAbstractType,
  isObjectType,
} from "graphql";

export const SCHEMA_PATH = new URL("../../schema.graphql", import.meta.url);
export const schema = buildSchema(readFileSync(SCHEMA_PATH, "utf8"));

const ownTypes = () =>
  Object.values(schema.getTypeMap()).filter((type) => !type.name.startsWith("__"));

// { Account: ["Client", "Freelancer"], FeedItem: ["Message", ...], ... }
export const possibleTypes = () =>
  Object.fromEntries(
    ownTypes()
      .filter(isAbstractType)
      .map((type) => [type.name, schema.getPossibleTypes(type).map((t) => t.name)]),
  );

export const introspection = () => introspectionFromSchema(schema);

export const typesWithoutId = () =>
  ownTypes()
    .filter((type) => isObjectType(type) && !("id" in type.getFields()))
    .filter((type) => ![schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].includes(type))
    .map((type) => type.name);

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(possibleTypes(), null, 2)}\n`);
}
