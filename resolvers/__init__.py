"""Thin GraphQL resolvers: caller from context, one domain call, result mapped to schema types."""
