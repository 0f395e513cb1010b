"""Panel A / Panel B tables: several tables with the same columns stacked under one header.

Each stacked table becomes a titled panel ("Panel A: ROA"). With a shared
block the fixed-effect rows, which must then agree, are shown once below the
last panel, and so is every statistic row that is the same in every panel;
the rest stay with their panel. Without it every panel keeps its own block.
"""

from __future__ import annotations

from collections.abc import Sequence
from string import ascii_uppercase

from data_schemas.errors import InputError
from report.table import Panel, Table


def panel_letter(position: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = ascii_uppercase[rest] + letters
    return letters


def stack_panels(
    tables: Sequence[Table],
    *,
    titles: Sequence[str],
    title: str,
    label: str,
    shared: bool = True,
    column_titles: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> Table:
    """Stack regression tables with the same number of columns as panels of one table.

    Parameters
    ----------
    tables : sequence of Table
        One table per panel (each with one untitled panel of coefficients).
    titles : sequence of str
        Panel titles, e.g. ``("ROA", "ROE")``: shown as "Panel A: ROA" ...
    title, label : str
        Caption and cross-reference key of the stacked table.
    shared : bool
        One fixed-effect and statistics block for all panels (see the module docstring).
    column_titles : sequence of str
        Titles above the column numbers (by default the first table's).
    notes : sequence of str
        Notes after those of the panels (each distinct note once).

    Raises
    ------
    InputError
        For panels that cannot share the table: no tables, a different number
        of titles or columns, repeated titles, or (shared) fixed-effect rows
        that differ between panels.
    """
    if not tables:
        raise InputError("a stacked table needs at least one panel")
    if len(titles) != len(tables):
        raise InputError(f"{len(titles)} panel titles for {len(tables)} panels", fix="give one title per panel")
    repeated = [t for t in titles if titles.count(t) > 1]
    if repeated:
        raise InputError(f"panel title {repeated[0]!r} is used twice", fix="give every panel its own title")
    width = tables[0].n_columns
    for name, table in zip(titles, tables):
        if table.n_columns != width:
            raise InputError(f"panel {name!r} has {table.n_columns} columns and panel {titles[0]!r} has {width}",
                             fix="stack tables with the same columns")
        if len(table.panels) != 1 or table.panels[0].title:
            raise InputError(f"panel {name!r} is already a stacked table", fix="stack plain regression tables")
    if shared:
        for name, table in zip(titles[1:], tables[1:]):
            if table.indicators != tables[0].indicators:
                raise InputError(f"panel {name!r} has other fixed-effect or indicator rows than panel {titles[0]!r}",
                                 fix="stack with one block per panel (shared = false)")
    common = [row for row in tables[0].statistics if shared and all(row in t.statistics for t in tables[1:])]
    panels = tuple(
        Panel(
            f"Panel {panel_letter(i)}: {name}",
            table.panels[0].rows,
            indicators=() if shared else table.indicators,
            statistics=tuple(row for row in table.statistics if row not in common),
        )
        for i, (name, table) in enumerate(zip(titles, tables))
    )
    headers = {t.column_groups for t in tables}
    return Table(
        title=title,
        column_groups=tables[0].column_groups if len(headers) == 1 else (("", width),),
        panels=panels,
        indicators=tables[0].indicators if shared else (),
        statistics=tuple(common),
        notes=tuple(dict.fromkeys([*(n for t in tables for n in t.notes), *notes])),
        label=label,
        column_titles=tuple(column_titles) or tables[0].column_titles,
    )
