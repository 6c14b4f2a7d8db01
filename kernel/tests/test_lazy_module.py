"""``nexus.lazy.lazy_module``: ``import`` gives a stand-in; the first name used imports it."""

from __future__ import annotations

import subprocess
import sys

_SCRIPT = """
import sys
from nexus.lazy import lazy_module

lazy_module("xml.dom.minidom")  # it imports xml.dom.minicompat at its top
import xml.dom.minidom as first
import xml.dom.minidom as second
assert first is second
print("before", "xml.dom.minicompat" in sys.modules)
document = second.parseString("<a/>")
print("after", "xml.dom.minicompat" in sys.modules, document.documentElement.tagName)
print("names", hasattr(first, "parseString"))
lazy_module("no_such_module_here")
print("missing", "no_such_module_here" in sys.modules)
"""


def test_a_deferred_module_loads_on_first_use_and_repeated_imports_keep_it_unloaded():
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.splitlines() == [
        "before False",
        "after True a",
        "names True",
        "missing False",
    ], done.stdout + done.stderr
