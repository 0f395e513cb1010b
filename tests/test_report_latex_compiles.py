"""The standalone LaTeX of a table with hostile labels compiles with pdflatex.

pdflatex comes from Debian's texlive packages (installed by .ci/run); without it
the test is skipped locally but fails on CI, where it must run.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from report.render import render
from tests.test_report_tables import hostile_table


def test_standalone_table_compiles(tmp_path):
    if shutil.which("pdflatex") is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing on CI: .ci/run must install texlive")
        pytest.skip("pdflatex not installed (apt-get install texlive-latex-base texlive-latex-recommended texlive-latex-extra)")
    source = tmp_path / "table.tex"
    source.write_text(render(hostile_table(), "latex", standalone=True), encoding="utf-8")
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", source.name],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert (tmp_path / "table.pdf").read_bytes()[:4] == b"%PDF"
    log = (tmp_path / "table.log").read_text(errors="replace")
    assert "Missing character" not in log, "a label character has no glyph in the font"
