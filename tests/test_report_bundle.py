"""Run bundles: layout, atomic writing, and byte-identical re-rendering from results.json."""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner

from data_schemas.errors import InputError
from report.bundle import BundleContent, parse_formats, read_bundle_tables, write_bundle
from report.style import Style
from scripts.cli import main
from tests.test_report_tables import hostile_table


@pytest.fixture
def bundle(tmp_path):
    content = BundleContent(tables={"hostile_table": hostile_table()}, results={"n": 1}, manifest={"study": "t"})
    return write_bundle(tmp_path / "results" / "t" / "run1", content, formats=("latex", "md", "csv"), style=Style())


def test_bundle_layout(bundle):
    names = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())
    assert names == [
        "index.html", "manifest.json", "results.json", "tables/hostile_table.csv", "tables/hostile_table.md",
        "tables/hostile_table.standalone.tex", "tables/hostile_table.tex",
    ]
    results_hash = hashlib.sha256((bundle / "results.json").read_bytes()).hexdigest()
    assert json.loads((bundle / "manifest.json").read_text()) == {"study": "t", "results_sha256": results_hash}
    assert read_bundle_tables(bundle) == {"hostile_table": hostile_table()}


def test_existing_bundle_is_not_overwritten(bundle):
    with pytest.raises(InputError, match="run1 already exists; pass --force"):
        write_bundle(bundle, BundleContent(tables={}), formats=("md",), style=Style())
    assert (bundle / "tables" / "hostile_table.md").exists()


@pytest.mark.parametrize(("fmt", "name"), [("latex", "hostile_table.tex"), ("md", "hostile_table.md"), ("csv", "hostile_table.csv")])
def test_rerender_is_byte_identical(bundle, fmt, name):
    result = CliRunner().invoke(main, ["table", str(bundle), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert result.output == (bundle / "tables" / name).read_text(encoding="utf-8")


def test_rerender_with_other_options_to_files(bundle, tmp_path):
    out = tmp_path / "paper"
    result = CliRunner().invoke(main, ["table", str(bundle), "--stars", "none", "--se", "t", "--format", "md", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = (out / "hostile_table.md").read_text(encoding="utf-8")
    assert "(2.71)" in text and "\\*" not in text
    again = CliRunner().invoke(main, ["table", str(bundle), "--format", "md", "--out", str(out)])
    assert again.exit_code == 2
    assert again.output == f"Error: {out / 'hostile_table.md'} already exists; pass --force to overwrite it, or choose another output path\n"


def test_table_errors(bundle, tmp_path):
    runner = CliRunner()
    cases = {
        ("table", str(tmp_path)): f"Error: no results.json in {tmp_path}; pass a run folder written by 'chokepoint run'\n",
        ("table", str(bundle), "--table", "returns"): f"Error: unknown table 'returns' in {bundle}; choose from hostile_table\n",
        ("table", str(bundle), "--format", "pdf"): "Error: unknown table format 'pdf'; choose from latex, md, html, csv, docx\n",
        ("table", str(bundle), "--stars", "many"): "Error: --stars 'many' is not 'none' or a list of p-values; e.g. --stars 0.1,0.05,0.01\n",
        ("table", str(bundle), "--se", "sd"): "Error: unknown second row 'sd'; choose from se, t, p, ci, none\n",
    }
    for args, expected in cases.items():
        result = runner.invoke(main, list(args))
        assert (result.exit_code, result.output) == (2, expected)


def test_parse_formats():
    assert parse_formats("latex, md,latex") == ("latex", "md")
    with pytest.raises(InputError, match="no table format given"):
        parse_formats(" , ")
