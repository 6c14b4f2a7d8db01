"""Small plugins the kernel tests register explicitly (never through entry points)."""
