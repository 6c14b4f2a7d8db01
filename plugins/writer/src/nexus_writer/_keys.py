"""Writer's permissions."""

from __future__ import annotations

__all__ = ("READ", "WRITE")

READ = "writer.documents:read"
WRITE = "writer.documents:write"
