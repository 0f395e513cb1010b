"""A :class:`report.table.Table` under a :class:`report.style.Style`, as rows of text cells.

The grid is the one place numbers become text; renderers add markup only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from report.style import Style
from report.table import Estimate, StatisticRow, Table

RowKind = Literal["panel", "coef", "second", "indicator", "statistic"]


@dataclass(frozen=True)
class GridRow:
    """One text row: its kind (renderers place rules by it), label and cells."""

    kind: RowKind
    label: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Grid:
    """The table as text: header, body rows (in sections) and notes."""

    title: str
    label: str
    column_groups: tuple[tuple[str, int], ...]
    n_columns: int
    stub: str
    column_numbers: tuple[str, ...]
    column_titles: tuple[str, ...]
    rows: tuple[GridRow, ...]
    notes: tuple[str, ...]


def number(value: float | None, digits: int) -> str:
    """Fixed decimals, minus sign kept, empty for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:.{digits}f}"


def _coefficient(cell: Estimate | None, style: Style) -> tuple[str, str]:
    if cell is None:
        return "", ""
    text = number(cell.value, style.digits) + style.stars_for(cell.pvalue)
    second = {
        "se": lambda: f"({number(cell.std_error, style.digits)})",
        "t": lambda: f"({number(cell.tstat, 2)})",
        "p": lambda: f"({number(cell.pvalue, 3)})",
        "ci": lambda: f"[{number(cell.lower, style.digits)}, {number(cell.upper, style.digits)}]",
        "none": lambda: "",
    }[style.second_row]()
    return text, second


def _statistic(row: StatisticRow) -> tuple[str, ...]:
    cells = []
    for value in row.values:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            cells.append("")
        elif row.kind == "count":
            cells.append(f"{int(value):,}")
        elif row.kind == "text":
            cells.append(str(value))
        else:
            cells.append(f"{value:.3f}")
    return tuple(cells)


def to_grid(table: Table, style: Style | None = None) -> Grid:
    """Format every number of ``table`` and add the notes that depend on the style."""
    style = style or Style()
    rows: list[GridRow] = []
    for panel in table.panels:
        if panel.title:
            rows.append(GridRow("panel", panel.title, ("",) * table.n_columns))
        for coefficient in panel.rows:
            pairs = [_coefficient(cell, style) for cell in coefficient.cells]
            rows.append(GridRow("coef", coefficient.label, tuple(p[0] for p in pairs)))
            if style.second_row != "none":
                rows.append(GridRow("second", "", tuple(p[1] for p in pairs)))
    rows += [GridRow("indicator", r.label, r.cells) for r in table.indicators]
    rows += [GridRow("statistic", r.label, _statistic(r)) for r in table.statistics]
    has_estimates = any(panel.rows for panel in table.panels)
    style_notes = (style.second_row_note, style.star_legend) if has_estimates else (None, None)
    notes = [n for n in (style_notes[0], *table.notes, style_notes[1]) if n]
    return Grid(
        title=table.title,
        label=table.label,
        column_groups=table.column_groups,
        n_columns=table.n_columns,
        stub=table.stub,
        column_numbers=tuple(f"({i})" for i in range(1, table.n_columns + 1)) if table.numbered else (),
        column_titles=table.column_titles,
        rows=tuple(rows),
        notes=tuple(notes),
    )
