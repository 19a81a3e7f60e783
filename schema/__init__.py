"""Parley's GraphQL schema: per-domain types beside each other, assembled in `schema.build`.

The root lives in its own module (not here) so that `resolvers` can import the
domain types without importing the root, which imports the resolvers.
"""
