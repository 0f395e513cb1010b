"""Atomic writes: all or nothing, never over an earlier result unless asked."""

from __future__ import annotations

import pytest

from data_schemas.errors import InputError
from panel.files import atomic_directory, write_atomically


def test_write_atomically_writes_all_or_none(tmp_path):
    def fail(path):
        path.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically({tmp_path / "a.txt": lambda p: p.write_text("a"), tmp_path / "b.txt": fail})
    assert list(tmp_path.iterdir()) == []
    write_atomically({tmp_path / "a.txt": lambda p: p.write_text("a"), tmp_path / "b.txt": lambda p: p.write_text("b")})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_atomic_directory(tmp_path):
    target = tmp_path / "runs" / "r1"
    with pytest.raises(ValueError):
        with atomic_directory(target, marker="mark") as folder:
            (folder / "x").write_text("partial")
            raise ValueError("estimation failed")
    assert not target.exists() and list((tmp_path / "runs").iterdir()) == []
    with atomic_directory(target, marker="mark") as folder:
        (folder / "mark").write_text("one")
    with pytest.raises(InputError, match="r1 already exists; pass --force"):
        with atomic_directory(target, marker="mark"):
            pass
    with atomic_directory(target, marker="mark", force=True) as folder:
        (folder / "y").write_text("two")
    assert [p.name for p in target.iterdir()] == ["y"]
    assert [p.name for p in (tmp_path / "runs").iterdir()] == ["r1"]
