"""One entry point from a Table to text in any supported format."""

from __future__ import annotations

from data_schemas.errors import InputError, check_choice
from report import delimited, html, latex, markdown
from report.grid import to_grid
from report.style import Style
from report.table import Table

#: format name -> file suffix
FORMATS: dict[str, str] = {"latex": ".tex", "md": ".md", "html": ".html", "csv": ".csv", "json": ".json"}


def render(table: Table, fmt: str, *, style: Style | None = None, standalone: bool = False,
           layout: latex.Layout | None = None) -> str:
    """Render ``table`` as ``fmt``.

    Parameters
    ----------
    table : Table
        The table.
    fmt : {"latex", "md", "html", "csv", "json"}
        Output format.
    style : Style, optional
        Stars, second row and digits (ignored by ``json``, which keeps the numbers).
    standalone : bool
        LaTeX only: a complete document instead of a fragment for ``\\input``.
    layout : report.latex.Layout, optional
        LaTeX only: longtable, landscape, siunitx columns.

    Raises
    ------
    InputError
        For an unknown format, or ``standalone`` or ``layout`` with a format other than LaTeX.
    """
    check_choice(fmt, FORMATS, what="table format")
    if standalone and fmt != "latex":
        raise InputError(f"standalone applies to LaTeX only, not {fmt!r}")
    if layout is not None and fmt != "latex":
        raise InputError(f"a LaTeX layout applies to LaTeX only, not {fmt!r}")
    if fmt == "json":
        return delimited.json_text(table)
    grid = to_grid(table, style)
    if fmt == "latex":
        layout = layout or latex.Layout()
        return latex.standalone(grid, layout) if standalone else latex.fragment(grid, layout)
    return {"md": markdown.render, "html": html.render, "csv": delimited.csv_text}[fmt](grid)
