"""Figures of the import-substitution study (matplotlib, Agg backend, imported on first use).

* :func:`plot_series_by_pattern`: each group's monthly imports (index, first
  month = 100), one panel per pattern;
* :func:`plot_growth_volatility`: the matrix as a scatter of G against V with
  the thresholds drawn;
* :func:`plot_gdp_shares`: imports by category as a percent of GDP, with and
  without the semiconductor groups.

Every function writes ``<stem>.pdf`` and ``<stem>.png`` and returns both paths.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from models.import_substitution import (
    GROWTH_THRESHOLD,
    MEDIUM_VOLATILITY_FLOOR,
    PATTERNS,
    VOLATILITY_THRESHOLD,
)
from report.figures import pyplot, save

#: one colour per pattern (colour-blind safe)
PATTERN_COLOURS = {"stockpiling": "#D55E00", "no_discernible_effect": "#0072B2", "import_substitution": "#009E73"}
def plot_series_by_pattern(
    monthly: pd.DataFrame, indices: pd.DataFrame, stem: str | Path, *, window: str = "whole", note: str = ""
) -> list[Path]:
    """Monthly imports of each group (first month = 100), one panel per pattern.

    Parameters
    ----------
    monthly : pandas.DataFrame
        ``group``, ``period``, ``value`` of one batch.
    indices : pandas.DataFrame
        The same batch's indices (``window``, ``group``, ``group_name``, ``pattern``).
    stem : str or Path
        Output path without suffix.
    window : str
        Which window's pattern sorts the groups into panels.
    note : str
        Text under the figure (e.g. ``"SIMULATED data"``).
    """
    plt = pyplot()
    from matplotlib import dates

    rows = indices[indices["window"] == window].set_index("group")
    figure, axes = plt.subplots(1, len(PATTERNS), figsize=(13, 4.2), sharey=True)
    for axis, (pattern, label) in zip(axes, PATTERNS.items()):
        members = rows.index[rows["pattern"] == pattern]
        for group in members:
            one = monthly[monthly["group"] == group].sort_values("period")
            axis.plot(one["period"], 100 * one["value"] / one["value"].iloc[0], lw=0.9,
                      label=f"{group} {rows.loc[group, 'group_name']}")
        axis.axvline(pd.Timestamp("2019-05-16"), color="grey", ls="--", lw=0.8)
        axis.set_title(f"{label} ({len(members)})", fontsize=10, color=PATTERN_COLOURS[pattern])
        axis.grid(alpha=0.3)
        axis.xaxis.set_major_locator(dates.YearLocator(2))
        axis.xaxis.set_major_formatter(dates.DateFormatter("%Y"))
        if len(members):
            axis.legend(fontsize=6, loc="upper left", frameon=False)
    axes[0].set_ylabel("monthly imports, first month = 100")
    if note:
        figure.text(0.01, -0.02, note, fontsize=8)
    figure.tight_layout()
    return save(figure, stem)


def plot_growth_volatility(indices: pd.DataFrame, stem: str | Path, *, window: str = "whole", note: str = "") -> list[Path]:
    """Growth index G against volatility index V, with the partition's thresholds.

    Parameters
    ----------
    indices : pandas.DataFrame
        One batch's indices (``window``, ``group``, ``growth``, ``volatility``,
        ``pattern``, ``semiconductor``).
    stem : str or Path
        Output path without suffix.
    window : str
        The window plotted.
    note : str
        Text under the figure.
    """
    plt = pyplot()
    rows = indices[indices["window"] == window]
    figure, axis = plt.subplots(figsize=(7, 5))
    for semiconductor, marker in ((True, "s"), (False, "o")):
        subset = rows[rows["semiconductor"].astype(bool) == semiconductor]
        axis.scatter(subset["volatility"], subset["growth"], marker=marker, s=40,
                     c=[PATTERN_COLOURS[p] for p in subset["pattern"]],
                     label="semiconductor group" if semiconductor else "other group")
    for row in rows.itertuples():
        axis.annotate(str(row.group), (row.volatility, row.growth), xytext=(4, 3), textcoords="offset points", fontsize=8)
    axis.axhline(GROWTH_THRESHOLD, color="black", lw=0.8)
    axis.axvline(VOLATILITY_THRESHOLD, color="black", lw=0.8)
    axis.axvline(MEDIUM_VOLATILITY_FLOOR, color="black", lw=0.6, ls=":")
    axis.set_xlabel("volatility index V (coefficient of variation)")
    axis.set_ylabel("growth index G")
    axis.set_xlim(0, max(0.45, rows["volatility"].max() * 1.1))
    top = axis.get_ylim()[1]
    for text, x, y in (
        ("stockpiling / policy disturbance", VOLATILITY_THRESHOLD + 0.005, top),
        ("no discernible effect", 0.005, top),
    ):
        axis.text(x, y, text, fontsize=8, va="top")
    axis.text(0.005, GROWTH_THRESHOLD - 0.02, "import substitution", fontsize=8, va="top")
    axis.legend(fontsize=8, loc="lower right")
    axis.grid(alpha=0.3)
    axis.set_title(f"Technology groups by growth and volatility ({window})", fontsize=10)
    if note:
        figure.text(0.01, -0.02, note, fontsize=8)
    figure.tight_layout()
    return save(figure, stem)


def plot_gdp_shares(shares: pd.DataFrame, stem: str | Path, *, note: str = "") -> list[Path]:
    """Imports by category as a percent of GDP; solid with, dashed without semiconductor groups.

    A category without semiconductor groups gets one line.

    Parameters
    ----------
    shares : pandas.DataFrame
        From :func:`models.import_substitution.gdp_shares`.
    stem : str or Path
        Output path without suffix.
    note : str
        Text under the figure.
    """
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(10, 4.5))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for colour, category in zip(colours, dict.fromkeys(shares["category"])):
        lines = {
            semis: shares[(shares["category"] == category) & (shares["semiconductors"] == semis)].sort_values("year")
            for semis in ("included", "excluded")
        }
        same = lines["included"]["share_pct"].to_numpy().tolist() == lines["excluded"]["share_pct"].to_numpy().tolist()
        for semis, style in (("included", "-"), ("excluded", "--")):
            one = lines[semis]
            if one.empty or (semis == "excluded" and same):
                continue
            axis.plot(one["year"], one["share_pct"], ls=style, color=colour, marker="o", ms=3,
                      label=category.replace("_", " ") + ("" if same else f", semiconductors {semis}"))
    axis.set_ylabel("imports, % of GDP")
    axis.set_xlabel("year")
    axis.grid(alpha=0.3)
    axis.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axis.set_title("Imports of the technology groups as a share of GDP (dashed: without semiconductor groups)",
                   fontsize=9)
    if note:
        figure.text(0.01, -0.02, note, fontsize=8)
    figure.tight_layout()
    return save(figure, stem)
