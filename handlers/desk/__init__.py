"""The staff web desk at /admin: server-rendered pages over the same core as the chat."""
