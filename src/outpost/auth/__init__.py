"""Secrets and sessions: the OS keyring and, later, OAuth."""
