"""Keep pytest out of the template: its files are Jinja until cookiecutter renders them.

The rendered plugin's tests run in ``tests/test_plugin_kit_template.py``.
"""

collect_ignore = ["template"]
