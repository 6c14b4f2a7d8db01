"""Nexus Sheets."""
