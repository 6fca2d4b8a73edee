"""One-time setup of a fresh stack: the database and its roles, the topics."""
