"""Keep pytest out of frozen templates: their files are Jinja until cookiecutter renders them.

The 0.1 template is rendered and its tests run against today's kernel in
``tests/test_contract_compat.py``.
"""

collect_ignore = ["plugin-template-0.1"]
