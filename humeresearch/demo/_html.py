"""HTML building blocks of the demo report: inline CSS, number formatting, tables."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
 color:#1f2933;max-width:1200px;margin:2rem auto;padding:0 1.2rem}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;
 border-bottom:1px solid #d9dee3;padding-bottom:.2rem}h3{font-size:1.05rem}
.banner{background:#fff6e0;border:1px solid #e8c36a;border-radius:6px;padding:.7rem 1rem}
.summary li{margin:.15rem 0}
table{border-collapse:collapse;font-size:.8rem;margin:.6rem 0;width:100%}
th,td{padding:.25rem .4rem;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top}
th{background:#f3f5f7;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.wrap{overflow-x:auto}
tr.sig td{background:#f1f8f2}tr.planted td:first-child{border-left:3px solid #d49a1c}
.tag{display:inline-block;padding:0 .35rem;border-radius:3px;font-size:.78rem;white-space:nowrap}
.recovered{background:#d8f0dc}.missed{background:#fde2cf}.false{background:#f8d4d4}
.wrong{background:#f8d4d4}.planted-tag{background:#fbe7b5}
figure{margin:1.2rem 0 1.8rem}figure img{max-width:100%;height:auto;display:block}
figcaption{font-size:.85rem;color:#52606d;margin-top:.3rem}
code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#f3f5f7;padding:.7rem;overflow-x:auto;border-radius:4px}
.muted{color:#52606d;font-size:.85rem}code.hash{font-size:12px}
"""


def num(x: Any, fmt: str = ".3f", signed: bool = False) -> str:
    """A number for a table cell (typographic minus; a dash for NaN)."""
    if x is None or (isinstance(x, float) and np.isnan(x)) or pd.isna(x):
        return "&ndash;"
    return format(float(x), ("+" if signed else "") + fmt).replace("-", "&minus;")


def pval(x: Any) -> str:
    """A p-value: three decimals, or "<0.001"."""
    if pd.isna(x):
        return "&ndash;"
    return "&lt;0.001" if x < 0.001 else f"{x:.3f}"


def ci(lo: Any, hi: Any, fmt: str = ".2f") -> str:
    """A confidence interval "[low, high]"."""
    return f"[{num(lo, fmt)}, {num(hi, fmt)}]"


def table(head: Sequence[str], rows: Iterable[tuple[str, Sequence[str]]], numeric: set[int]) -> str:
    """An HTML table: ``rows`` are (row class, cells); columns in ``numeric`` align right."""
    out = ["<div class='wrap'><table>"]
    if any(head):
        out += ["<thead><tr>", *(f"<th>{h}</th>" for h in head), "</tr></thead>"]
    out.append("<tbody>")
    for cls, cells in rows:
        out.append(f"<tr class='{cls}'>" if cls else "<tr>")
        out += [
            f"<td class='n'>{c}</td>" if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(cells)
        ]
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def expr(name: str, family: str) -> str:
    """The expression's name, with its family unless it is an emotion."""
    if family == "emotion":
        return html.escape(name)
    return f"{html.escape(name)} <span class='muted'>({html.escape(family)})</span>"


def tag(status: str) -> str:
    """A coloured label for a verdict (recovered, missed, false discovery ...)."""
    cls = status.split()[0]
    return f"<span class='tag {cls}'>{html.escape(status)}</span>"


def kv(pairs: Iterable[tuple[str, str]]) -> str:
    """A two-column key/value table without header."""
    return table(["", ""], (("", [f"<b>{html.escape(k)}</b>", v]) for k, v in pairs), set())


def sha_html(text: str) -> str:
    """A long hash that may wrap every 16 characters."""
    chunks = [html.escape(text[i : i + 16]) for i in range(0, len(text), 16)]
    return f"<code class='hash'>{'<wbr>'.join(chunks)}</code>"
