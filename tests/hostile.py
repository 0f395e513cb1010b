"""Helpers of the hostile-input tests: a tiny panel, a tiny study, the CLI runner, raw files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from click.testing import CliRunner

from scripts.cli import main
from tests.test_sources_folder import DEMO_ROWS, write_layout  # noqa: F401 (re-exported for the tests)

STUDY = """name = "{name}"
[[models]]
name = "{model}"
outcome = "roa"
regressors = ["size"]
fixed_effects = ["firm_id", "year"]
cluster = ["firm_id"]
[[tables]]
name = "{table}"
models = ["{model}"]
notes = '{notes}'
"""


def cli(*args: object):
    """Invoke ``chokepoint`` in-process; the result has ``exit_code``, ``stdout``, ``stderr``."""
    return CliRunner().invoke(main, [str(a) for a in args])


def last_error(result) -> str:
    """The last line of standard error."""
    return result.stderr.strip().splitlines()[-1]


def tiny_panel(folder: Path, *, drop: tuple[str, ...] = (), firms: int = 30) -> Path:
    """A small firm-year panel (firm_id, year, roa, size, high_tech) as Parquet."""
    rng = np.random.default_rng(0)
    rows = [(f"{i:06d}", year) for i in range(1, firms + 1) for year in range(2015, 2021)]
    data = pd.DataFrame(rows, columns=["firm_id", "year"])
    data["size"] = rng.normal(size=len(data))
    data["roa"] = 0.5 * data["size"] + rng.normal(size=len(data))
    data["high_tech"] = (data["firm_id"] < "000010").astype("int8")
    path = folder / "panel.parquet"
    data.drop(columns=list(drop)).to_parquet(path)
    return path


def tiny_study(folder: Path, *, name: str = "probe", model: str = "m", table: str = "main",
               notes: str = "", extra: str = "") -> Path:
    """A one-model, one-table study TOML file."""
    path = folder / "probe.toml"
    text = STUDY.format(name=name, model=model, table=table, notes=notes)
    path.write_text(text + extra, encoding="utf-8")
    return path


def did_table(path: Path, *, recode: dict | None = None, keep_never: bool = True) -> Path:
    """A small staggered panel: 60 units, 2000-2009, cohorts 2004, 2006 and never (0)."""
    rng = np.random.default_rng(0)
    rows = []
    for unit in range(60):
        cohort = (2004, 2006, 0)[unit % 3]
        for year in range(2000, 2010):
            rows.append((unit, year, cohort, rng.normal() + (0 < cohort <= year)))
    data = pd.DataFrame(rows, columns=["id", "t", "g", "y"])
    if not keep_never:
        data = data[data["g"] != 0]
    if recode:
        data["g"] = data["g"].replace(recode)
    data.to_csv(path, index=False)
    return path
