"""The run's report: a Markdown table for people, a JSON file with every figure for tools."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from pathlib import Path

    from bench._results import Outcome, Row

__all__ = ("Report", "render_markdown", "write_report")

_FORMATS = {
    "req/s": "{:,.0f}",
    "ratio": "{:.2f}",
    "×": "{:.1f}",
    "ns/call": "{:,.0f}",
    "s": "{:.3f}",
    "ms": "{:.2f}",
    "MB": "{:.1f}",
    "%": "{:.0f}",
}


@dataclass(slots=True, kw_only=True)
class Report:
    """Everything one run of the harness found.

    Attributes:
        mode: ``quick`` (CI smoke run) or ``full``.
        started_at: ISO 8601 UTC time the run began.
        finished_at: ISO 8601 UTC time it ended.
        conditions: Machine, versions, server and load generator settings.
        baselines: What each ratio is compared against, by name.
        outcomes: One per benchmark run, in order.
    """

    mode: str
    started_at: str
    finished_at: str = ""
    conditions: dict[str, Any] = field(default_factory=dict)
    baselines: dict[str, str] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def errors(self) -> list[Outcome]:
        """The benchmarks that broke."""
        return [outcome for outcome in self.outcomes if outcome.error]


def format_value(value: float | None, unit: str) -> str:
    """Format ``value`` for the table according to its unit."""
    if value is None:
        return "—"
    return _FORMATS.get(unit, "{:g}").format(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table_row(item: Row) -> str:
    status = "**missed**" if item.status == "missed" else item.status
    notes = "; ".join(part for part in (item.baseline and f"vs {item.baseline}", item.note) if part)
    cells = [
        item.benchmark,
        item.measure,
        format_value(item.value, item.unit),
        item.unit,
        str(item.goal) if item.goal else "",
        status,
        notes,
    ]
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def _conditions_line(conditions: dict[str, Any]) -> str:
    keys = (
        "commit",
        "machine",
        "python",
        "server",
        "load_generator",
        "rounds",
        "postgres",
        "kernel_auth",
    )
    parts = [f"{key.replace('_', ' ')}: {conditions[key]}" for key in keys if conditions.get(key)]
    return " · ".join(parts)


def render_markdown(report: Report) -> str:
    """Return the report as Markdown: a conditions line, the table, then any breakages."""
    lines = [
        f"# Nexus benchmarks ({report.mode} run, {report.started_at})",
        "",
        _conditions_line(report.conditions),
        "",
        "| benchmark | measure | value | unit | goal | status | baseline / notes |",
        "|---|---|--:|---|---|---|---|",
    ]
    for outcome in report.outcomes:
        lines.extend(_table_row(item) for item in outcome.rows)
        if outcome.error:
            lines.append(f"| {outcome.name} | — | — | | | error | {_cell(outcome.error)} |")
    if report.mode == "quick":
        lines += ["", "Quick run: a smoke test of the harness; its figures are not evidence."]
    return "\n".join(lines) + "\n"


def _goal_json(item: Row) -> dict[str, Any] | None:
    if item.goal is None:
        return None
    return {"op": item.goal.op, "target": item.goal.target, "text": str(item.goal)}


def report_json(report: Report) -> bytes:
    """Return the report as indented JSON: every figure with its unit, goal and baseline."""
    document = {
        "schema_version": 1,
        "mode": report.mode,
        "started_at": report.started_at,
        "finished_at": report.finished_at,
        "ok": not report.errors,
        "conditions": report.conditions,
        "baselines": report.baselines,
        "benchmarks": [
            {
                "name": outcome.name,
                "seconds": round(outcome.seconds, 2),
                "error": outcome.error,
                "results": [
                    {
                        "benchmark": item.benchmark,
                        "measure": item.measure,
                        "value": item.value,
                        "unit": item.unit,
                        "goal": _goal_json(item),
                        "status": item.status,
                        "baseline": item.baseline,
                        "note": item.note,
                        "detail": item.detail,
                    }
                    for item in outcome.rows
                ],
            }
            for outcome in report.outcomes
        ],
    }
    return msgspec.json.format(msgspec.json.encode(document), indent=2) + b"\n"


def write_report(report: Report, directory: Path) -> tuple[Path, Path]:
    """Write ``latest.md`` and ``latest.json`` into ``directory``; return both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    markdown, json_path = directory / "latest.md", directory / "latest.json"
    markdown.write_text(render_markdown(report), encoding="utf-8")
    json_path.write_bytes(report_json(report))
    return markdown, json_path
