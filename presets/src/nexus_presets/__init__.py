"""The first-party Nexus presets catalog.

This package holds data only: every ``*.toml`` file directly in its directory is one
preset, found by the kernel through the entry point group ``nexus.presets``. The format is
documented in the distribution's README (``presets/README.md`` in the repository).
"""
