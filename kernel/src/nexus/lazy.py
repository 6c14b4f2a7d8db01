"""Names a package exports but imports only on first use (a module-level ``__getattr__``).

Optional backends — Redis, Kafka, S3, the migration machinery — each bring a large
library. A process serving on the embedded defaults never touches them, so it should not
pay for importing them at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ("lazy_attributes",)


def lazy_attributes(package: str, names: Mapping[str, str]) -> Callable[[str], Any]:
    """A package's ``__getattr__`` importing each of ``names`` from its module on first use.

    Args:
        package: The package's ``__name__``.
        names: Each exported name and the module that defines it.

    Example::

        __getattr__ = lazy_attributes(__name__, {"RedisBackend": "nexus.cache._redis"})
    """

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module protocol's name (PEP 562)
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    return __getattr__
