"""Tables for people; `--format json` goes straight from the engine's pydantic models.

A table never cuts the model name or a money column. Columns that hold nothing are left
out; below the width it needs, a table folds wordy columns onto more lines, then drops
low-value columns in a fixed order, then loses its borders, and past that becomes one
block per row (`header value · header value`, wrapped) rather than cut a kept column.
Piped output is laid out 200 columns wide, whatever the terminal.
"""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich import box
from rich.cells import cell_len

if TYPE_CHECKING:
    from pydantic import BaseModel
    from rich.console import Console

    from llmwright.catalog import CatalogUpdate, ModelInfo
    from llmwright.estimate import EstimateReport

PIPED_WIDTH = 200
FOLDED_MIN = 10
BOX = box.HEAVY_HEAD


def console() -> Console:
    """A rich console: the terminal's width on a terminal; wide enough for the tables when piped."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else PIPED_WIDTH)


def width() -> int:
    """The terminal's columns (COLUMNS wins, as everywhere); `PIPED_WIDTH` when the output is not a terminal."""
    if not sys.stdout.isatty():
        return PIPED_WIDTH
    return shutil.get_terminal_size((PIPED_WIDTH, 24)).columns


def show(*blocks: str) -> None:
    """Plain text blocks, one after the other, written as they are."""
    sys.stdout.write("".join(f"{block}\n" for block in blocks))
    sys.stdout.flush()


def print_json(model: BaseModel) -> None:
    print(model.model_dump_json(indent=2))


def usd(value: float | None) -> str:
    from llmwright.cost import format_usd

    return format_usd(value)


@dataclass(frozen=True)
class Column:
    """How a column behaves when the terminal is narrow.

    keep: never dropped and never cut (the model name, money). fold: may wrap onto more
    lines. drop: order in which droppable columns go, highest first (0 = never dropped).
    """

    header: str
    justify: Literal["left", "right"] = "left"
    keep: bool = False
    fold: bool = False
    drop: int = 0


def fitted_table(title: str, columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> str:
    """`rows` as a table that fits `width` columns without cutting a kept column.

    Drawn here with rich's box characters rather than by `rich.table`: measuring and
    wrapping every cell of a 1,500-row listing through rich takes seconds.
    """
    natural = [max([cell_len(c.header)] + [cell_len(row[i]) for row in rows]) for i, c in enumerate(columns)]
    shown = [i for i in range(len(columns)) if not rows or any(row[i] not in ("", "-") for row in rows)]
    folded = {i: min(natural[i], max(FOLDED_MIN, cell_len(columns[i].header))) for i in shown if columns[i].fold}

    def widths(indices: list[int], fold: bool) -> list[int]:
        return [folded[i] if fold and i in folded else natural[i] for i in indices]

    def needed(indices: list[int], fold: bool, borders: bool) -> int:
        return sum(widths(indices, fold)) + (3 * len(indices) + 1 if borders else 2 * (len(indices) - 1))

    fold = needed(shown, False, True) > width
    droppable = sorted((i for i in shown if columns[i].drop), key=lambda i: -columns[i].drop)
    while needed(shown, fold, True) > width and droppable:
        shown.remove(droppable.pop(0))
    borders = needed(shown, fold, True) <= width
    if not borders and needed(shown, fold, False) > width:
        return _records(title, columns, rows, shown, width)
    sizes = widths(shown, fold)
    lines = [_wrapped(title, width)] if title else []
    heads = [_cell(columns[i].header, size, columns[i].justify) for i, size in zip(shown, sizes, strict=True)]
    if borders:
        lines.append(BOX.get_top([s + 2 for s in sizes]).rstrip("\n"))
        lines.append(_joined(heads, BOX.head_left, BOX.head_vertical, BOX.head_right))
        lines.append(BOX.get_row([s + 2 for s in sizes], "head").rstrip("\n"))
    else:
        lines.append("  ".join(heads).rstrip())
    for row in rows:
        cells = [_fold(row[i], size) for i, size in zip(shown, sizes, strict=True)]
        for depth in range(max(len(c) for c in cells) if cells else 0):
            parts = [
                _cell(c[depth] if depth < len(c) else "", size, columns[i].justify)
                for i, c, size in zip(shown, cells, sizes, strict=True)
            ]
            if borders:
                lines.append(_joined(parts, BOX.mid_left, BOX.mid_vertical, BOX.mid_right))
            else:
                lines.append("  ".join(parts).rstrip())
    if borders:
        lines.append(BOX.get_bottom([s + 2 for s in sizes]).rstrip("\n"))
    return "\n".join(lines)


def _records(title: str, columns: Sequence[Column], rows: Sequence[Sequence[str]], shown: list[int], width: int) -> str:
    """Narrower than even a borderless table: one block per row, its first column as the heading."""
    lines = [_wrapped(title, width)] if title else []
    first, rest = shown[0], shown[1:]
    for row in rows:
        lines.append(row[first])
        pairs = " · ".join(f"{columns[i].header} {row[i]}" for i in rest if row[i] not in ("", "-"))
        lines.append(_wrapped(pairs, width, "  ", "  "))
    return "\n".join(lines)


def _wrapped(text: str, width: int, first: str = "", rest: str = "") -> str:
    """Wrapped at spaces only (model names and URLs are never split), never narrower than 40 columns."""
    return textwrap.fill(
        text,
        width=max(width, 40),
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=False,
    )


def _joined(cells: list[str], left: str, middle: str, right: str) -> str:
    return f"{left} " + f" {middle} ".join(cells) + f" {right}"


def _cell(text: str, width: int, justify: str) -> str:
    pad = " " * max(0, width - cell_len(text))
    return pad + text if justify == "right" else text + pad


def _fold(text: str, width: int) -> list[str]:
    """A cell's lines: broken after spaces and commas, a word longer than the width folded."""
    if cell_len(text) <= width:
        return [text]
    words = [w for w in re.split(r"(?<=[ ,])", text) if w]
    lines: list[str] = []
    current = ""
    for word in words:
        if current and cell_len(current + word.rstrip()) > width:
            lines.append(current.rstrip())
            current = ""
        while cell_len(word) > width:
            lines.append(word[:width])
            word = word[width:]
        current += word
    if current.strip():
        lines.append(current.rstrip())
    return lines


def notes(heading: str, items: Sequence[str], width: int) -> str:
    """`heading` then one `  - item` per line, wrapped to the terminal with a hanging indent."""
    wrapped = [_wrapped(item, width, "  - ", "    ") for item in items]
    return "\n".join([heading, *wrapped])


def _per_million(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _tokens(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


MODEL_COLUMNS = (
    Column("model", keep=True),
    Column("in $/M", "right", keep=True),
    Column("out $/M", "right", keep=True),
    Column("cache rd", "right", drop=5),
    Column("batch in", "right", drop=6),
    Column("context", "right", drop=2),
    Column("max out", "right", drop=4),
    Column("dims", "right", drop=3),
    Column("capabilities", fold=True, drop=3),
    Column("status", fold=True, keep=True),
)


def models_table(models: Iterable[ModelInfo], title: str, width: int) -> str:
    rows = []
    for m in models:
        prices = m.prices
        status = m.status if m.status == "active" else f"{m.status} {m.retires_on or ''}".strip()
        rows.append(
            [
                m.ref,
                _per_million(prices.input if prices else None),
                _per_million(prices.output if prices else None),
                _per_million(prices.cache_read if prices else None),
                _per_million(prices.batch_input if prices else None),
                _tokens(m.context_window),
                _tokens(m.max_output_tokens),
                _tokens(m.dimensions),
                ",".join(m.capabilities) or "-",
                status,
            ]
        )
    return fitted_table(title, MODEL_COLUMNS, rows, width)


ESTIMATE_COLUMNS = (
    Column("model", keep=True),
    Column("tokens", "right", keep=True),
    Column("method", fold=True, drop=4),
    Column("per call", "right", keep=True),
    Column("per day", "right", keep=True),
    Column("per month", "right", keep=True),
    Column("window", "right", drop=3),
    Column("dims", "right", drop=2),
    Column("fits", fold=True, drop=1),  # the notes under the table still say when it does not fit
)


def estimate_tables(report: EstimateReport, width: int) -> list[str]:
    rows = []
    for r in report.results:
        t, c, f = r.tokens, r.cost, r.fit
        method = t.method if t.method != "estimate" else f"estimate ±{round(t.error_band * 100)}%"
        if f.fits is None:
            fits = "unknown"
        elif f.fits:
            fits = f"yes ({f.used_pct}% used)"
        else:
            fits = f"NO (over by {-(f.headroom or 0):,})"
        rows.append(
            [
                r.model.ref,
                f"{t.tokens:,}",
                method,
                usd(c.per_call_usd),
                usd(c.per_day_usd),
                usd(c.per_month_usd),
                _tokens(f.context_window),
                _tokens(r.model.dimensions),
                fits,
            ]
        )
    out = [fitted_table("Tokens, cost and context fit", ESTIMATE_COLUMNS, rows, width)]
    for r in report.results:
        lines = [*r.warnings, *r.cost.notes, *r.fit.advice]
        if r.alternatives:
            cheaper = ", ".join(
                f"{a.model} ({a.tier}) {usd(a.per_call_usd)} (-{a.saving_pct:g}%)" for a in r.alternatives
            )
            lines.append(f"cheaper, same tier or better, same capabilities: {cheaper}")
        elif r.alternatives_note:
            lines.append(f"cheaper alternatives: {r.alternatives_note}")
        for a in r.step_down:
            lines.append(f"step down: {a.model} {usd(a.per_call_usd)} (-{a.saving_pct:g}%): {a.gives_up}")
        if r.tokens.method == "estimate":
            lines.append(f"tokens: {r.tokens.note}")
        if lines:
            out.append(notes(r.model.ref, lines, width))
    out.append(_wrapped(report.data_version, width))
    return out


CHANGE_COLUMNS = (
    Column("model", keep=True),
    Column("what", keep=True),
    Column("before", "right", fold=True, keep=True),
    Column("after", "right", fold=True, keep=True),
)
SHOWN_CHANGES = 60


def update_report(report: CatalogUpdate, width: int) -> list[str]:
    """What `models --update` fetched and changed, model by model (the first ones; JSON has all)."""
    blocks = [
        f"refreshed: {', '.join(report.files)}",
        f"before: {report.data_version_before}\nnow:    {report.data_version}",
        f"{len(report.added)} models added, {len(report.removed)} removed, "
        f"{len(report.changes)} changes to {len({c.model for c in report.changes})} models",
    ]
    for label, refs in (("added", report.added), ("removed", report.removed)):
        if refs:
            more = f" … and {len(refs) - 20} more" if len(refs) > 20 else ""
            blocks.append(f"{label}: {', '.join(refs[:20])}{more}")
    if report.changes:
        rows = [[c.model, c.field, c.before or "-", c.after or "-"] for c in report.changes[:SHOWN_CHANGES]]
        blocks.append(fitted_table("Changes", CHANGE_COLUMNS, rows, width))
        if len(report.changes) > SHOWN_CHANGES:
            blocks.append(f"… and {len(report.changes) - SHOWN_CHANGES} more (--format json lists every change)")
    return blocks
