"""Acme's Nexus preset pack: data only.

Every ``*.toml`` directly in this directory is one preset, found by the kernel through the
``nexus.presets`` entry point ``acme``; ``examples/`` holds a business profile per preset.
"""
