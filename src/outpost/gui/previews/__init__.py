"""Previews: the post as each network will show it."""
