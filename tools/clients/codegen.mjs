// GraphQL Code Generator (typescript + typescript-operations) over a directory of .graphql
// documents, against the committed schema.graphql, with Parley's scalar mapping.
//
// node codegen.mjs <documents dir> <output .ts file>
import { generate } from "@graphql-codegen/cli";
import { fileURLToPath } from "node:url";
import { SCHEMA_PATH } from "./schema.mjs";

const [documents, output] = process.argv.slice(2);

// DateTime, Date and Decimal travel as strings (RFC 3339, ISO 8601, a decimal numeral);
// strictScalars makes any scalar without a mapping an error instead of `unknown`.
const SCALARS = { DateTime: "string", Date: "string", Decimal: "string" };

await generate(
  {
    schema: fileURLToPath(SCHEMA_PATH),
    documents: `${documents}/*.graphql`,
    generates: {
      [output]: {
        plugins: ["typescript-operations"],
        config: { strictScalars: true, scalars: SCALARS, enumsAsTypes: true },
      },
    },
    silent: true,
  },
  true,
);
