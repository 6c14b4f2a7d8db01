"""The command line: pick benchmarks, run them, print and write the report."""

from __future__ import annotations

import argparse
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from nexus import Settings
from nexus.observability import configure_logging

from bench._conditions import collect_conditions
from bench._context import Context, RunConfig, say
from bench._report import Report, render_markdown, write_report
from bench._results import Goal, Outcome, row
from bench.benchmarks import BASELINES, BENCHMARKS, DESCRIPTIONS, estimate_s
from bench.benchmarks.loadgen import CEILING_MEASURE

__all__ = ("main",)

_RESULTS = Path(__file__).resolve().parent / "results"
# The ceiling should clear the fastest app by this much, or the generator may be the limit.
_HEADROOM = Goal(">=", 1.2, label="≥ 1.2 (harness check)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run the Nexus benchmarks; print the table and write "
        "bench/results/latest.{md,json}. Figures are ratios taken side by side in one run.",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="run only this benchmark (repeat, or separate with commas); see --list",
    )
    parser.add_argument("--quick", action="store_true", help="short CI smoke run")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (1)")
    parser.add_argument("--connections", type=int, default=64, help="keep-alive connections (64)")
    parser.add_argument("--duration", type=int, help="seconds per measured round (quick 1, full 5)")
    parser.add_argument("--rounds", type=int, help="measured rounds per side (quick 1, full 5)")
    parser.add_argument("--warmup", type=int, help="warm-up seconds per side (quick 1, full 2)")
    parser.add_argument(
        "--tenants",
        type=int,
        help="tenants provisioned in a row (quick 300, full 1,000; 10000 for the flat-curve "
        "claim, about 50 minutes)",
    )
    parser.add_argument(
        "--loadgen",
        choices=("auto", "wrk", "asyncio"),
        default="auto",
        help="load generator: wrk, installing it if root (auto falls back to asyncio)",
    )
    parser.add_argument("--output-dir", type=Path, default=_RESULTS, help="where to write")
    return parser


def _selected(parser: argparse.ArgumentParser, only: list[str] | None) -> list[str]:
    if not only:
        return list(BENCHMARKS)
    names = [name.strip() for item in only for name in item.split(",") if name.strip()]
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    return [name for name in BENCHMARKS if name in names]


def _config(args: argparse.Namespace) -> RunConfig:
    quick = bool(args.quick)
    return RunConfig(
        quick=quick,
        workers=max(1, args.workers),
        connections=max(1, args.connections),
        duration_s=max(1, args.duration or (1 if quick else 5)),
        rounds=max(1, args.rounds or (1 if quick else 5)),
        warmup_s=max(1, args.warmup or (1 if quick else 2)),
        startup_runs=1 if quick else 5,
        tenants=max(200, args.tenants or (300 if quick else 1_000)),
        loadgen=args.loadgen,
        output_dir=args.output_dir,
    )


def _run_one(ctx: Context, name: str, *, step: str, left_s: float) -> Outcome:
    expected = estimate_s(name, ctx.config)
    say(
        f"{step} running {name}: {DESCRIPTIONS[name]} "
        f"(about {_duration(expected)}; about {_duration(left_s)} left in the run)"
    )
    started = time.perf_counter()
    outcome = Outcome(name=name)
    try:
        outcome.rows = BENCHMARKS[name](ctx)
    except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
        traceback.print_exc()
        outcome.error = f"{type(exc).__name__}: {exc}"
        say(f"{name} broke: {outcome.error}")
    outcome.seconds = time.perf_counter() - started
    say(f"{name} took {_duration(outcome.seconds)}")
    return outcome


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def _add_headroom(report: Report) -> None:
    """Add the ceiling ÷ fastest-app row when the loadgen ran beside HTTP benchmarks."""
    ceiling = next(
        (r for o in report.outcomes for r in o.rows if r.measure == CEILING_MEASURE), None
    )
    apps = [
        r
        for o in report.outcomes
        if o.name != "loadgen"
        for r in o.rows
        if r.unit == "req/s" and r.value
    ]
    if ceiling is None or ceiling.value is None or not apps:
        return
    fastest = max(apps, key=lambda r: r.value or 0.0)
    loadgen = next(o for o in report.outcomes if o.name == "loadgen")
    loadgen.rows.append(
        row(
            "loadgen",
            "headroom: ceiling / fastest app measured",
            ceiling.value / (fastest.value or 1.0),
            "×",
            goal=_HEADROOM,
            baseline=f"{fastest.benchmark}: {fastest.measure}",
        )
    )


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks; return 1 if any broke (figures never fail a run)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.list:
        for name, description in DESCRIPTIONS.items():
            print(f"{name:10} {description}")
        return 0
    names = _selected(parser, args.only)
    # Kernel code logs through structlog; keep its lines on stderr and the table on stdout.
    configure_logging(Settings(log_level="warning"))
    config = _config(args)
    ctx = Context(config=config)
    report = Report(
        mode=config.mode,
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        baselines=BASELINES,
    )
    conditions = collect_conditions(config)
    left_s = sum(estimate_s(name, config) for name in names)
    for index, name in enumerate(names, 1):
        step = f"[{index}/{len(names)}]"
        report.outcomes.append(_run_one(ctx, name, step=step, left_s=left_s))
        left_s -= estimate_s(name, config)
    _add_headroom(report)
    report.conditions = {**conditions, **ctx.conditions}
    report.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
    markdown, json_path = write_report(report, config.output_dir)
    print(render_markdown(report), end="")
    say(f"wrote {markdown} and {json_path}")
    broken = [outcome.name for outcome in report.errors]
    if broken:
        say(f"broken: {', '.join(broken)}")
        return 1
    return 0
