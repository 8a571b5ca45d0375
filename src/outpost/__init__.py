"""Outpost: write a post once, publish it everywhere, from the creator's own machine."""

__version__ = "0.1.0"
