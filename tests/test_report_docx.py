"""Word tables: the .docx holds the same caption, header, cells and notes as every other format (read back with python-docx)."""

from __future__ import annotations

import io

import docx
from click.testing import CliRunner

from report.bundle import BundleContent, write_bundle
from report.docx import TABLE_STYLE, render_docx
from report.grid import to_grid
from report.style import Style
from scripts.cli import main
from tests.test_report_tables import hostile_table


def test_docx_reads_back_as_the_grid():
    style = Style(second_row="t")
    document = docx.Document(io.BytesIO(render_docx(hostile_table(), style)))
    grid = to_grid(hostile_table(), style)
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs == [grid.title, *grid.notes]
    (table,) = document.tables
    assert table.style.name == TABLE_STYLE
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["", "ROA & ROE_{t}", "ROA & ROE_{t}", "Tobin's Q"], "the group header spans its columns"
    assert rows[1] == ["", "(1)", "(2)", "(3)"]
    assert rows[2] == ["Panel A: $\\beta$ by <period>"] * 4
    assert rows[3:] == [[row.label, *row.cells] for row in grid.rows[1:]]
    assert rows[4] == ["", "(2.71)", "(-1.82)", ""]


def test_bundle_and_table_command_write_docx(tmp_path):
    bundle = write_bundle(tmp_path / "b" / "s" / "r", BundleContent(tables={"hostile_table": hostile_table()}),
                          formats=("docx",), style=Style())
    written = docx.Document(str(bundle / "tables" / "hostile_table.docx"))
    assert written.tables[0].rows[3].cells[1].text == "0.123***"
    runner = CliRunner()
    printed = runner.invoke(main, ["table", str(bundle), "--format", "docx"])
    assert (printed.exit_code, printed.output) == (2, "Error: Word files cannot be printed; pass --out DIR\n")
    out = tmp_path / "paper"
    result = runner.invoke(main, ["table", str(bundle), "--format", "docx", "--se", "p", "--out", str(out)])
    assert (result.exit_code, result.output) == (0, f"Wrote {out / 'hostile_table.docx'}\n")
    assert docx.Document(str(out / "hostile_table.docx")).tables[0].rows[4].cells[1].text == "(0.0069)"


def test_the_same_table_gives_the_same_bytes(monkeypatch):
    import datetime as dt
    import time

    first = render_docx(hostile_table())
    monkeypatch.setattr(time, "time", lambda: 2e9)  # another day for the archive's clock
    second = render_docx(hostile_table())
    assert first == second
    document = docx.Document(io.BytesIO(first))
    assert document.core_properties.modified == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
