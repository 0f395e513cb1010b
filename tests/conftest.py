"""Shared fixtures: a small simulated demo folder and its built panel, made once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory) -> Path:
    """A 300-firm simulated demo folder (seed 1)."""
    from panel.demo import simulate

    return simulate(tmp_path_factory.mktemp("demo") / "demo_data", seed=1, n_firms=300)


@pytest.fixture(scope="session")
def small_panel(small_demo):
    """The FirmPanel built from :func:`small_demo` with default options."""
    from panel.assemble.builder import build_panel
    from panel.sources import load_folder

    return build_panel(load_folder(small_demo))
