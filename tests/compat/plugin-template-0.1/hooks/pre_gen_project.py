"""Refuse names the kernel would refuse, before anything is written."""

import re
import sys

NAME = "{{ cookiecutter.plugin_name }}"
MODULE = "{{ cookiecutter.module }}"

if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", NAME):
    sys.exit(
        f"error: plugin_name {NAME!r} must be lower case letters, digits and '_', "
        "starting with a letter (it is the URL prefix /api/v1/<name>/ and the table prefix)"
    )
if not MODULE.isidentifier():
    sys.exit(f"error: module {MODULE!r} is not a Python identifier")
