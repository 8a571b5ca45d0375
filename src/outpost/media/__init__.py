"""Media: what a file is, and (later) making it fit each network."""
