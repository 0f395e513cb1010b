"""Hostile inputs, kind 1: nothing is written or deleted outside the output folder.

Every name that becomes a path or a LaTeX label passes one check
(:func:`panel.files.check_name`); every path is checked to lie inside the
output folder; ``--force`` replaces only chokepoint's own output.
"""

from __future__ import annotations

import os

import pytest

from data_schemas.errors import InputError
from panel.files import check_inside, check_name, current_umask
from report.bundle import BundleContent, write_bundle
from report.style import Style
from report.table import Table
from tests.hostile import cli, last_error, tiny_panel, tiny_study

RULE = "use only letters, digits, '_' and '-', starting with a letter or digit (at most 100 characters)"


@pytest.fixture
def setup(tmp_path):
    return tiny_panel(tmp_path), tmp_path / "a" / "b" / "res"


def test_run_name_with_dot_dot_is_refused_and_the_victim_kept(tmp_path, setup):
    panel, out = setup
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "thesis.tex").write_text("years of work")
    result = cli("run", tiny_study(tmp_path), "--panel", panel, "--out", out, "--name", "../../../victim", "--force")
    assert result.exit_code == 2
    assert last_error(result) == f"Error: run name (--name) '../../../victim' is not a safe name; {RULE}"
    assert (victim / "thesis.tex").read_text() == "years of work"
    assert not out.exists()


@pytest.mark.parametrize("name", ["../escape", "a/b", "my study", "x#1", "5%", "$x$", ".hidden", "-x"])
def test_unsafe_study_names_are_refused_before_any_work(tmp_path, setup, name):
    panel, out = setup
    study = tiny_study(tmp_path, name=name)
    result = cli("run", study, "--panel", panel, "--out", out)
    assert result.exit_code == 2
    assert last_error(result) == f"Error: {study}: study: 'name' {name!r} is not a safe name; {RULE}"
    assert not out.exists()


def test_unsafe_table_names_are_refused(tmp_path, setup):
    panel, out = setup
    study = tiny_study(tmp_path, table="../../x")
    result = cli("run", study, "--panel", panel, "--out", out)
    assert result.exit_code == 2
    assert last_error(result) == f"Error: {study}: [[tables]] #1: 'name' '../../x' is not a safe name; {RULE}"
    assert not (tmp_path / "a").exists()


def test_force_does_not_replace_a_folder_chokepoint_did_not_write(tmp_path, setup):
    panel, out = setup
    mine = out / "probe" / "draft"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("mine")
    result = cli("run", tiny_study(tmp_path), "--panel", panel, "--out", out, "--name", "draft", "--force")
    assert result.exit_code == 2
    assert last_error(result) == (
        f"Error: {mine} is not a folder chokepoint wrote (it holds no manifest.json); --force replaces only "
        "chokepoint's own output; choose another output path or move the folder away yourself")
    assert (mine / "notes.txt").read_text() == "mine"


def test_force_replaces_a_bundle_and_bundles_follow_the_umask(tmp_path, setup):
    panel, out = setup
    study = tiny_study(tmp_path)
    previous = os.umask(0o002)
    try:
        assert cli("run", study, "--panel", panel, "--out", out, "--name", "r1").exit_code == 0
        again = cli("run", study, "--panel", panel, "--out", out, "--name", "r1", "--force")
    finally:
        os.umask(previous)
    assert again.exit_code == 0, again.output
    bundle = out / "probe" / "r1"
    assert (bundle / "manifest.json").is_file()
    assert oct(bundle.stat().st_mode & 0o777) == "0o775"
    assert oct((bundle / "tables").stat().st_mode & 0o777) == "0o775"
    assert sorted(p.name for p in (out / "probe").iterdir()) == ["r1"]


def test_a_dangling_link_as_out_is_an_error(tmp_path, setup):
    panel, _ = setup
    link = tmp_path / "results"
    link.symlink_to(tmp_path / "gone")
    result = cli("run", tiny_study(tmp_path), "--panel", panel, "--out", link)
    assert result.exit_code == 2
    assert last_error(result) == (f"Error: --out {link} is a link to {tmp_path / 'gone'}, which does not exist; "
                                  "create the folder it points to, or choose another --out")
    assert not (tmp_path / "gone").exists()


def test_a_file_as_out_is_an_error(tmp_path, setup):
    panel, _ = setup
    (tmp_path / "results").write_text("a file")
    result = cli("run", tiny_study(tmp_path), "--panel", panel, "--out", tmp_path / "results")
    assert result.exit_code == 2
    assert last_error(result) == f"Error: Invalid value for '--out': Directory '{tmp_path / 'results'}' is a file."


def test_an_unwritable_out_is_found_before_any_work(tmp_path, setup, monkeypatch):
    panel, out = setup
    monkeypatch.setattr("panel.files.writable", lambda folder: False)
    result = cli("run", tiny_study(tmp_path), "--panel", panel, "--out", out)
    assert result.exit_code == 2
    assert last_error(result) == (f"Error: --out {out}: cannot write in {tmp_path} (permission denied or read-only); "
                                  "choose a folder you can write to for --out")


def test_a_link_leading_out_of_the_output_folder_is_refused(tmp_path):
    out = tmp_path / "res"
    out.mkdir()
    (out / "probe").symlink_to(tmp_path)
    with pytest.raises(InputError) as caught:
        check_inside(out, out / "probe" / "r1")
    assert caught.value.message == (
        f"{out / 'probe' / 'r1'} lies outside the output folder {out} (it resolves to {tmp_path / 'r1'}); "
        "choose names without '..' and links that leave the output folder")
    assert check_inside(out, out / "probe2" / "r1") == out / "probe2" / "r1"


@pytest.mark.parametrize("name", ["", "a b", "../x", "x" * 101, "名字", "tab\t", None])
def test_check_name_refuses_what_cannot_be_a_file_name_or_label(name):
    with pytest.raises(InputError) as caught:
        check_name(name, "figure name")
    assert caught.value.message == f"figure name {name!r} is not a safe name; {RULE}"


def test_write_bundle_checks_table_labels_and_figure_names(tmp_path):
    table = Table(title="t", column_groups=(), panels=(), label="../../outside")
    with pytest.raises(InputError, match=r"^table name '../../outside' is not a safe name"):
        write_bundle(tmp_path / "b", BundleContent(tables={"t": table}), formats=("latex",), style=Style())
    with pytest.raises(InputError, match=r"^figure name 'x y' is not a safe name"):
        write_bundle(tmp_path / "b", BundleContent(tables={}, figures={"x y": lambda stem: []}), formats=("latex",),
                     style=Style())
    assert list(tmp_path.iterdir()) == []


def test_demo_force_replaces_only_an_earlier_demo(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "paper.tex").write_text("keep")
    result = cli("demo", "--out", home, "--firms", "50", "--force")
    assert result.exit_code == 2
    assert last_error(result) == (
        f"Error: {home} is not a folder chokepoint wrote (it holds no ground_truth.json); --force replaces only "
        "chokepoint's own output; choose another output path or move the folder away yourself")
    assert [p.name for p in home.iterdir()] == ["paper.tex"]


def test_umask_is_read_without_changing_it():
    before = os.umask(0o027)
    try:
        assert current_umask() == 0o027 and current_umask() == 0o027
    finally:
        os.umask(before)
