"""The server layer: transports (view, HTTP, WebSocket) and the composition root.

`settings`, `auth`, `ratelimit` and `services` build the process's collaborators;
`view`, `http` and `ws/` carry GraphQL over the network. `server.py` wires them.
"""
