"""Names a package exports but imports only on first use (a module-level ``__getattr__``).

Optional backends — Redis, Kafka, S3, the migration machinery — each bring a large
library. A process serving on the embedded defaults never touches them, so it should not
pay for importing them at start-up. :func:`lazy_module` does the same for a library
another library imports at its top but uses only in a function a server never calls.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from importlib.machinery import ModuleSpec

__all__ = ("lazy_attributes", "lazy_module")


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


def lazy_module(name: str) -> None:
    """Make ``import name`` give a stand-in that imports the module on first attribute use.

    Unlike :class:`importlib.util.LazyLoader`, whose module loads as soon as a second
    ``import`` looks at its ``__spec__``, the stand-in keeps the module unloaded through
    any number of ``import name`` statements. Call it before the importing library is
    imported; a module already imported is left as it is.

    Args:
        name: The module's absolute name (``"black"``).

    Example::

        lazy_module("black")  # piccolo.conf.apps imports it to format new migrations
    """
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return  # not installed: the importer's own import fails as it would have
    sys.modules[name] = _Deferred(name, spec)


class _Deferred(types.ModuleType):
    """A module not imported yet: the first name looked up on it imports it."""

    def __init__(self, name: str, spec: ModuleSpec) -> None:
        super().__init__(name)
        self.__spec__ = spec
        self.__loader__ = spec.loader
        if spec.submodule_search_locations is not None:
            self.__path__ = list(spec.submodule_search_locations)

    def __getattr__(self, attribute: str) -> Any:
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
            module = importlib.import_module(name)
            # Whoever holds the stand-in sees the module's names from now on.
            self.__dict__.update(module.__dict__)
        return getattr(sys.modules[name], attribute)
