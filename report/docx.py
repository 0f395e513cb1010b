"""Word rendering: a ``.docx`` document holding the table (python-docx), for co-authors without LaTeX.

The same text cells as every other format (:mod:`report.grid`): the caption
as a bold paragraph, one Word table with the grouped header (merged cells)
in Word's "Light Shading" style (rules above and below the header and at the
bottom, as in a booktabs table), then the notes in a smaller font.  The same
table always gives the same bytes: the document's dates and the archive's file
times are fixed, so runs and rebuilds can be compared file by file.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from report.grid import Grid, to_grid
from report.style import Style
from report.table import Table

#: a built-in table style of Word's default template with rules above and below the header and at the bottom
TABLE_STYLE = "Light Shading"
#: the creation and modification date every document states, and the time of every file in its archive
FIXED_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _set(cell, text: str, *, bold: bool = False, italic: bool = False, align: str = "center") -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = cell.paragraphs[0]
    paragraph.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic


def grid_document(grid: Grid) -> bytes:
    """The grid as the bytes of a ``.docx`` file."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.styles["Normal"].font.size = Pt(10)
    document.add_paragraph().add_run(grid.title).bold = True
    header_rows = [r for r in (grid.column_titles, grid.column_numbers) if r]
    table = document.add_table(rows=1 + len(header_rows) + len(grid.rows), cols=grid.n_columns + 1, style=TABLE_STYLE)
    top = table.rows[0].cells
    _set(top[0], grid.stub, align="left")
    start = 1
    for name, span in grid.column_groups:
        merged = top[start].merge(top[start + span - 1]) if span > 1 else top[start]
        _set(merged, name, bold=True)
        start += span
    for i, cells in enumerate(header_rows, start=1):
        for j, text in enumerate(cells, start=1):
            _set(table.rows[i].cells[j], text)
    first_body = 1 + len(header_rows)
    for i, row in enumerate(grid.rows, start=first_body):
        cells = table.rows[i].cells
        if row.kind == "panel":
            _set(cells[0].merge(cells[-1]), row.label, italic=True, align="left")
            continue
        _set(cells[0], row.label, align="left")
        for j, text in enumerate(row.cells, start=1):
            _set(cells[j], text)
    for note in grid.notes:
        paragraph = document.add_paragraph()
        paragraph.add_run(note).font.size = Pt(8)
    document.core_properties.created = document.core_properties.modified = FIXED_TIME
    out = io.BytesIO()
    document.save(out)
    return _with_fixed_times(out.getvalue())


def _with_fixed_times(archive: bytes) -> bytes:
    """The ``.docx`` archive with every file's time set to :data:`FIXED_TIME` (python-docx stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def render_docx(table: Table, style: Style | None = None) -> bytes:
    """``table`` under ``style`` as the bytes of a ``.docx`` file."""
    return grid_document(to_grid(table, style))
