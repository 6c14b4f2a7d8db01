"""Per-tenant settings: a preset (or a business profile) fills them in."""

from __future__ import annotations

from typing import Annotated

import msgspec

__all__ = ("{{ cookiecutter.__class_prefix }}Settings",)


class {{ cookiecutter.__class_prefix }}Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Settings of {{ cookiecutter.title }} for one tenant.

    Every field has a default: a tenant that enabled the plugin without preset values gets
    these.

    Attributes:
        max_items: Most items a tenant may keep; creating one more answers 409.
    """

    max_items: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] = 1000
