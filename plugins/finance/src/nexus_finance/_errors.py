"""Refusals as HTTP problems: bad input is 422 naming the field, a wrong state is 409."""

from __future__ import annotations

from typing import NoReturn

from litestar.exceptions import HTTPException, NotFoundException, ValidationException

__all__ = ("conflict", "invalid", "not_found")


def invalid(key: str, message: str) -> NoReturn:
    """Refuse the request with 422, naming the field (``lines[1].debit``) and why."""
    raise ValidationException(message, extra=[{"key": key, "message": message}])


def conflict(detail: str) -> NoReturn:
    """Refuse the request with 409: the resource's state does not allow it."""
    raise HTTPException(detail, status_code=409)


def not_found() -> NoReturn:
    """Answer 404 exactly like a missing resource (another tenant's included)."""
    raise NotFoundException()
