"""The web console (issue 11): server-rendered pages under /console that call the
gateway's own HTTP API with the user's token, so the API stays the source of truth."""
