"""Rewrite the option table of docs/api/core.md from humeresearch.define.OPTIONS.

Usage: python scripts/option_table.py  (tests/test_docs.py checks that the table is current)
"""

from __future__ import annotations

import re
from pathlib import Path

from humeresearch import define

PAGE = Path(__file__).resolve().parents[1] / "docs" / "api" / "core.md"


def table() -> str:
    """The markdown table of every option set, in the order of ``define.OPTIONS``."""
    rows = ["| tuple | values |", "|---|---|"]
    for name, (values, _) in define.OPTIONS.items():
        rows.append(f"| `{name}` | {', '.join(f'`{v!r}`' for v in values)} |")
    return "\n".join(rows) + "\n"


def main() -> None:
    text = PAGE.read_text()
    new = re.sub(r"\| tuple \| values \|\n(?:\|.*\|\n)+", table(), text, count=1)
    PAGE.write_text(new)


if __name__ == "__main__":
    main()
