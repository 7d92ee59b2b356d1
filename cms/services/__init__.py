"""Use cases: each function is one thing an editor or the CLI does, in one transaction."""
