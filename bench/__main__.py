"""``python -m bench``: run the benchmarks and write ``bench/results/latest.{md,json}``."""

from __future__ import annotations

from bench._cli import main

raise SystemExit(main())
