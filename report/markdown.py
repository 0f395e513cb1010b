"""Markdown rendering: a pipe table with the notes below it."""

from __future__ import annotations

from report.escape import markdown
from report.grid import Grid


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render(grid: Grid) -> str:
    """The table as GitHub-flavoured Markdown."""
    groups = [markdown(name) for name, span in grid.column_groups for _ in range(span)]
    lines = [f"**{markdown(grid.title)}**", "", _line([markdown(grid.stub), *groups]), _line(["---", *(["---:"] * len(groups))])]
    if grid.column_titles:
        lines.append(_line(["", *(markdown(t) for t in grid.column_titles)]))
    if grid.column_numbers:
        lines.append(_line(["", *grid.column_numbers]))
    for row in grid.rows:
        label = f"*{markdown(row.label)}*" if row.kind == "panel" else markdown(row.label)
        lines.append(_line([label, *(markdown(c) for c in row.cells)]))
    notes = "\n\n".join(markdown(note) for note in grid.notes)
    return "\n".join(lines) + ("\n\n" + notes if notes else "") + "\n"
