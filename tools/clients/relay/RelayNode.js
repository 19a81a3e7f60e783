// The documents relay_node.mjs runs, for relay-compiler (which reads the graphql tags here
// and writes relay/__generated__/; nothing imports this file).
graphql`
  query RelayNodeMessageQuery($id: ID!) {
    node(id: $id) { __typename id ... on Message { body isMine } }
  }
`;

graphql`
  query RelayNodeOrderQuery($id: ID!) {
    node(id: $id) { __typename id ... on Order { title status } }
  }
`;
