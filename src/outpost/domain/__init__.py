"""Outpost's domain: pure data and rules, no Qt, no I/O."""
