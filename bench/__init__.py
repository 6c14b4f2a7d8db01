"""The Nexus benchmark harness: speed claims as ratios measured side by side in one run.

Run ``uv run python -m bench`` (``--quick`` for the CI smoke run, ``--only NAME`` to pick
benchmarks). The table is printed and written to ``bench/results/latest.md``; every figure,
its unit, the run conditions and the baselines go to ``bench/results/latest.json``.
"""
