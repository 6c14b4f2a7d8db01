"""Print one closing line for a pytest JUnit report: ``pytest: N passed, N failed, N skipped``.

CI ends with it, so the last line of its log says how many tests ran. Exits 1 when the
report is missing or counts no test at all.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def summary(report: Path) -> tuple[int, int, int]:
    """Return (passed, failed, skipped) summed over the report's test suites."""
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return total - failed - skipped, failed, skipped


def main() -> int:
    """Print the closing line for the report named on the command line."""
    report = Path(sys.argv[1])
    if not report.is_file():
        print(f"pytest: no JUnit report at {report}", file=sys.stderr)
        return 1
    passed, failed, skipped = summary(report)
    print(f"pytest: {passed} passed, {failed} failed, {skipped} skipped")
    return 0 if passed + failed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
