"""The GraphQL schema for frontends: types, resolvers, DataLoaders."""
