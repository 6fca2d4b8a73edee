"""One module per server the stack runs: how to start it and how to tell it is ready."""
