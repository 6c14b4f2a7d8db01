"""Nexus Slides."""
