"""One module per `leadgen` verb; each has ``register(subparsers)`` and a handler."""
