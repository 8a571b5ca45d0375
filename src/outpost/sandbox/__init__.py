"""Sandbox mode: simulated networks on loopback, so a newcomer can try Outpost with no account."""
