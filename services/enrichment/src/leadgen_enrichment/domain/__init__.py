"""Pure enrichment logic: what to do for a prospect, and how provider results merge."""
