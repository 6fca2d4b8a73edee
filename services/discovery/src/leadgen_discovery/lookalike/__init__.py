"""Lookalike audiences (spec §3.1 createLookalikeAudience): seed a platform audience with
the hashed emails of an ICP's best leads, create its lookalike, record the estimated size."""
