"""graphql-transport-ws: the connection handler, its frames, its closes, the legacy adapter."""
