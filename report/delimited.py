"""CSV (the formatted cells) and JSON (the numbers) renderings."""

from __future__ import annotations

import csv
import io

from report.grid import Grid
from report.json_text import strict_json
from report.table import Table


def csv_text(grid: Grid) -> str:
    """The formatted table as CSV: a header row of dependent variables, then one row per grid row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([grid.stub, *(name for name, span in grid.column_groups for _ in range(span))])
    if grid.column_titles:
        writer.writerow(["", *grid.column_titles])
    if grid.column_numbers:
        writer.writerow(["", *grid.column_numbers])
    for row in grid.rows:
        writer.writerow([row.label, *row.cells])
    for note in grid.notes:
        writer.writerow([note])
    return out.getvalue()


def json_text(table: Table) -> str:
    """The table's numbers and labels as JSON (unformatted, full precision)."""
    return strict_json(table.to_dict(), indent=2) + "\n"
