"""A :class:`report.table.Table` under a :class:`report.style.Style`, as rows of text cells.

The grid is the one place numbers become text (through :mod:`report.numbers`);
renderers add markup only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from report.numbers import format_number
from report.style import Style
from report.table import CoefficientRow, Estimate, StatisticRow, Table, TextRow

RowKind = Literal["text", "panel", "coef", "second", "indicator", "statistic"]


@dataclass(frozen=True)
class GridRow:
    """One text row: its kind (renderers place rules by it), label and cells."""

    kind: RowKind
    label: str
    cells: tuple[str, ...]

    @property
    def section(self) -> str:
        """The block the row belongs to: a panel's title, coefficients and second rows form one."""
        return "body" if self.kind in ("panel", "coef", "second") else self.kind


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


def _coefficient(cell: Estimate | None, digits: int, style: Style) -> tuple[str, str]:
    if cell is None:
        return "", ""
    fmt = style.numbers
    text = format_number(cell.value, digits, fmt) + style.stars_for(cell.pvalue)
    second = {
        "se": lambda: f"({format_number(cell.std_error, digits, fmt)})",
        "t": lambda: f"({format_number(cell.tstat, 2, fmt)})",
        "p": lambda: f"({format_number(cell.pvalue, 3, fmt)})",
        "ci": lambda: f"[{format_number(cell.lower, digits, fmt)}, {format_number(cell.upper, digits, fmt)}]",
        "none": lambda: "",
    }[style.second_row]()
    return text, second


def _coefficient_rows(row: CoefficientRow, style: Style) -> list[GridRow]:
    digits = style.digits if row.digits is None else row.digits
    pairs = [_coefficient(cell, digits, style) for cell in row.cells]
    rows = [GridRow("coef", row.label, tuple(p[0] for p in pairs))]
    if style.second_row != "none":
        rows.append(GridRow("second", "", tuple(p[1] for p in pairs)))
    return rows


def _statistic(row: StatisticRow, style: Style) -> tuple[str, ...]:
    digits = style.digits if row.digits is None else row.digits
    cells = []
    for value in row.values:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            cells.append("")
        elif row.kind == "count":
            cells.append(f"{int(value):,}")
        elif row.kind == "text":
            cells.append(str(value))
        else:
            cells.append(format_number(value, digits, style.numbers))
    return tuple(cells)


def _blocks(indicators: tuple[TextRow, ...], statistics: tuple[StatisticRow, ...], style: Style) -> list[GridRow]:
    rows = [GridRow("indicator", r.label, r.cells) for r in indicators]
    return rows + [GridRow("statistic", r.label, _statistic(r, style)) for r in statistics]


def to_grid(table: Table, style: Style | None = None) -> Grid:
    """Format every number of ``table`` and add the notes that depend on the style.

    The table's own second row, digits and number format (if it sets them) win over ``style``'s.
    """
    style = (style or Style()).for_table(table)
    rows = [GridRow("text", r.label, r.cells) for r in table.body]
    for panel in table.panels:
        if panel.title:
            rows.append(GridRow("panel", panel.title, ("",) * table.n_columns))
        for coefficient in panel.rows:
            rows += _coefficient_rows(coefficient, style)
        rows += _blocks(panel.indicators, panel.statistics, style)
    rows += _blocks(table.indicators, table.statistics, style)
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
