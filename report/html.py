"""HTML rendering: one ``<table>`` with caption, grouped header, body sections and notes."""

from __future__ import annotations

from report.escape import html
from report.grid import Grid


def _cells(tag: str, cells: tuple[str, ...] | list[str]) -> str:
    return "".join(f"<{tag}>{html(c)}</{tag}>" for c in cells)


def render(grid: Grid) -> str:
    """The table as an HTML fragment (no page around it)."""
    n = grid.n_columns
    groups = "".join(f'<th colspan="{span}">{html(name)}</th>' for name, span in grid.column_groups)
    head = [f"<tr><th>{html(grid.stub)}</th>{groups}</tr>"]
    if grid.column_titles:
        head.append(f"<tr><th></th>{_cells('th', grid.column_titles)}</tr>")
    if grid.column_numbers:
        head.append(f"<tr><th></th>{_cells('th', grid.column_numbers)}</tr>")
    body, previous = [], None
    for row in grid.rows:
        section = row.section
        if section != previous:
            if previous is not None:
                body.append("</tbody>")
            body.append(f'<tbody class="{section}">')
        if row.kind == "panel":
            body.append(f'<tr><th colspan="{n + 1}"><em>{html(row.label)}</em></th></tr>')
        else:
            body.append(f'<tr class="{row.kind}"><th>{html(row.label)}</th>{_cells("td", row.cells)}</tr>')
        previous = section
    if previous is not None:
        body.append("</tbody>")
    notes = "".join(f"<p>{html(note)}</p>" for note in grid.notes)
    foot = f'<tfoot><tr><td colspan="{n + 1}">{notes}</td></tr></tfoot>' if notes else ""
    lines = [
        f'<table class="chokepoint" id="{html(grid.label)}">',
        f"<caption>{html(grid.title)}</caption>",
        "<thead>",
        *head,
        "</thead>",
        *body,
        foot,
        "</table>",
    ]
    return "\n".join(line for line in lines if line) + "\n"
