"""Account and connection health."""
