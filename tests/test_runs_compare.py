"""runs.compare reads Word tables by their unzipped members, not by the bytes of the archive."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from runs.compare import compare_roots

MEMBERS = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document>1.234</w:document>"}


def bundle(root: Path, members: dict[str, bytes] | bytes, stamp: tuple[int, int, int, int, int, int]) -> Path:
    """``root/s/r`` with a results.json and a Word table written with the zip timestamp ``stamp``."""
    folder = root / "s" / "r"
    (folder / "tables").mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps({"b": 1.5}), encoding="utf-8")
    table = folder / "tables" / "t.docx"
    if isinstance(members, bytes):
        table.write_bytes(members)
        return table
    with zipfile.ZipFile(table, "w") as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), content)
    return table


def test_word_tables_differing_only_in_zip_timestamps_are_identical(tmp_path):
    one = bundle(tmp_path / "one", MEMBERS, (2026, 1, 1, 8, 0, 0))
    two = bundle(tmp_path / "two", MEMBERS, (2026, 1, 1, 9, 30, 0))
    assert one.read_bytes() != two.read_bytes()
    comparison = compare_roots(tmp_path / "one", tmp_path / "two")
    assert comparison.differences == []
    assert (comparison.values, comparison.files, comparison.documents, comparison.members) == (1, 1, 1, 2)
    assert comparison.summary() == ("1 results.json values, 0 table cells, 1 table files compared "
                                    "(1 .docx files by their 2 unzipped members, zip metadata ignored): 0 differences")


def test_word_tables_with_other_contents_name_the_member(tmp_path):
    bundle(tmp_path / "one", MEMBERS, (2026, 1, 1, 8, 0, 0))
    changed = {**MEMBERS, "word/document.xml": b"<w:document>1.235</w:document>", "word/extra.xml": b"<x/>"}
    bundle(tmp_path / "two", changed, (2026, 1, 1, 8, 0, 0))
    comparison = compare_roots(tmp_path / "one", tmp_path / "two")
    assert comparison.differences == ["s/tables/t.docx: member word/extra.xml only in the second root",
                                      "s/tables/t.docx: member word/document.xml differs"]
    assert comparison.members == 2


def test_a_word_table_that_is_not_a_zip_archive_is_a_difference(tmp_path):
    bundle(tmp_path / "one", MEMBERS, (2026, 1, 1, 8, 0, 0))
    bundle(tmp_path / "two", b"not a zip archive", (2026, 1, 1, 8, 0, 0))
    comparison = compare_roots(tmp_path / "one", tmp_path / "two")
    assert comparison.differences == ["s/tables/t.docx: the second root's file is not a readable .docx (zip) file"]
    assert comparison.members == 0
