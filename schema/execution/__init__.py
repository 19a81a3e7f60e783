"""The execution engine: the executor, shared execution of subscription events, direct
resolvers, and the limits (depth, aliases, tokens, cost) every operation is held to.
"""
