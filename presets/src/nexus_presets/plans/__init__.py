"""The first-party Nexus plans: what a tenant may use, and how much.

This package holds data only: every ``*.toml`` file directly in its directory is one plan,
found by the kernel through the entry point group ``nexus.plans``. The format is
documented in ``docs/plans.md``.
"""
