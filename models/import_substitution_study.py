"""The import-substitution study estimated: indices in every window and imports as a share of GDP.

:func:`estimate_import_substitution` turns :class:`panel.sources.import_folder.ImportData`
into :class:`ImportSubstitutionResults`, which the reporter renders and
``results.json`` stores (:meth:`ImportSubstitutionResults.to_dict`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from models.import_substitution import (
    GROWTH_THRESHOLD,
    MEDIUM_VOLATILITY_FLOOR,
    VOLATILITY_THRESHOLD,
    WINDOWS,
    Window,
    gdp_shares,
    group_indices,
)
from panel.sources.customs import group_monthly
from panel.sources.import_folder import ImportData

STUDY = "import_substitution"
#: the options of a run (the method's defaults)
WEIGHTS = "linear"
DDOF = 1


@dataclass(frozen=True)
class ImportSubstitutionResults:
    """Indices, monthly group series and GDP shares of every batch of the group list.

    Parameters
    ----------
    weights : str
        Weights of the growth index.
    windows : tuple of Window
        Windows of the indices; the matrix shows the first.
    simulated : bool
        Whether the data are the demo's simulated imports.
    group_source : str
        Where the group list came from (``"bundled approximation"`` or the user's file).
    group_file : str or None
        The user's group-list file name (None: the bundled approximation).
    batches : tuple of str
        The batches of the group list.
    indices : pandas.DataFrame
        From :func:`models.import_substitution.group_indices`.
    monthly : pandas.DataFrame
        Monthly imports by batch and group.
    shares : dict of str to pandas.DataFrame
        Imports as a share of GDP, by batch.
    share_warnings : dict of str to tuple of str
        What :func:`models.import_substitution.gdp_shares` warned of, by batch.
    """

    weights: str
    windows: tuple[Window, ...]
    simulated: bool
    group_source: str
    group_file: str | None
    batches: tuple[str, ...]
    indices: pd.DataFrame = field(repr=False)
    monthly: pd.DataFrame = field(repr=False)
    shares: dict[str, pd.DataFrame] = field(repr=False)
    share_warnings: dict[str, tuple[str, ...]] = field(repr=False)

    @property
    def options(self) -> dict[str, Any]:
        """The method's options, as stored in results.json and the manifest."""
        return {
            "weights": self.weights,
            "ddof": DDOF,
            "windows": [{"name": w.name, "first": w.first, "last": w.last} for w in self.windows],
            "matrix_window": self.windows[0].name,
            "thresholds": {"growth": GROWTH_THRESHOLD, "volatility": VOLATILITY_THRESHOLD,
                           "medium_volatility_floor": MEDIUM_VOLATILITY_FLOOR},
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-able results (months as ``YYYY-MM``)."""
        return {
            "study": STUDY,
            "simulated": self.simulated,
            "options": self.options,
            "hs_groups": self.group_source,
            "indices": _records(self.indices),
            "gdp_shares": {batch: _records(shares) for batch, shares in self.shares.items()},
        }


def estimate_import_substitution(data: ImportData, *, simulated: bool, weights: str = WEIGHTS,
                                 windows: tuple[Window, ...] = WINDOWS) -> ImportSubstitutionResults:
    """Indices of every group in every window and the GDP shares of every batch.

    Parameters
    ----------
    data : ImportData
        The customs imports, GDP and group list.
    simulated : bool
        Whether the data are simulated (stated in every table and figure).
    weights : {"linear", "equal"}
        Weights of the growth index.
    windows : tuple of Window
        Windows of the indices; the matrix shows the first.
    """
    monthly = group_monthly(data.imports, data.groups)
    indices = group_indices(monthly, data.groups.groups, windows=windows, weights=weights, ddof=DDOF)
    shares, share_warnings = {}, {}
    for batch in data.groups.batches:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            shares[batch] = gdp_shares(monthly[monthly["batch"] == batch], data.groups.groups, data.gdp)
        share_warnings[batch] = tuple(str(w.message) for w in caught)
    return ImportSubstitutionResults(
        weights=weights, windows=tuple(windows), simulated=simulated, group_source=data.groups.source,
        group_file=None if data.inputs.groups is None else data.inputs.groups.name,
        batches=tuple(data.groups.batches), indices=indices, monthly=monthly, shares=shares,
        share_warnings=share_warnings,
    )


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-able rows (months as ``YYYY-MM``)."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m")
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()} for row in out.to_dict("records")]
