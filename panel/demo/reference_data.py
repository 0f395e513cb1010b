"""The bundled reference tables the simulator draws on.

Industries (CSRC-2012 divisions with the project's high-tech and
upstream/downstream flags) and the dates of the real Entity-List waves come
from ``panel/reference/``; the simulator never invents either.
"""

from __future__ import annotations

import re
from importlib import resources

import pandas as pd

#: rule text that marks an Entity-List addition row of export_controls.csv
_ENTITY_LIST_ADDITION = "Entity List addition"
_ANNOUNCED = re.compile(r"announced (\d{4}-\d{2}-\d{2})")


def _reference_csv(name: str) -> pd.DataFrame:
    path = resources.files("panel") / "reference" / name
    with path.open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


def industries() -> pd.DataFrame:
    """CSRC-2012 divisions: ``code, name, section, manufacturing, high_tech, position``.

    ``manufacturing`` and ``high_tech`` are booleans; ``position`` is
    ``"upstream"`` or ``"downstream"``.
    """
    table = _reference_csv("industries.csv")
    for flag in ("manufacturing", "high_tech", "chokepoint"):
        table[flag] = table[flag] == "1"
    return table


def entity_list_waves(first_year: int, last_year: int) -> pd.DataFrame:
    """The distinct Entity-List addition dates between two years.

    Parameters
    ----------
    first_year, last_year : int
        Inclusive range of effective years.

    Returns
    -------
    DataFrame
        ``effective_date`` (datetime), ``announcement_date`` (datetime or NaT
        where the rule text gives none) and ``rule`` (text of the first row of
        the wave), sorted by date.
    """
    rows = _reference_csv("export_controls.csv")
    rows = rows[rows["rule"].str.contains(_ENTITY_LIST_ADDITION, regex=False)]
    rows = rows.assign(effective_date=pd.to_datetime(rows["date"]))
    rows = rows[rows["effective_date"].dt.year.between(first_year, last_year)]
    waves = rows.groupby("effective_date", sort=True).first().reset_index()
    announced = waves["rule"].str.extract(_ANNOUNCED, expand=False)
    waves["announcement_date"] = pd.to_datetime(announced)
    return waves[["effective_date", "announcement_date", "rule"]]
