"""The calendar of scheduled and published posts."""
