"""Outpost's settings: one typed, versioned model persisted atomically."""
