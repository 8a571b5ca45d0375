"""The queue: every post, its status per account, and what can be done with it."""
