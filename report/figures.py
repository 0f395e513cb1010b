"""Figures of the firm-level studies: event-study coefficients and year-by-year marginal returns.

matplotlib is imported on first use with the Agg backend (no screen needed);
every figure is saved as ``<stem>.pdf`` and ``<stem>.png``. The plotting
functions take plain DataFrames of points, so any estimator's output can be
drawn the same way.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from data_schemas.errors import InputError

DPI = 150
#: margin around the drawn area of a saved figure, inches
PAD_INCHES = 0.1
#: zlib level of the PNG files: lossless at any level; 3 writes them about a
#: fifth faster than the default 6, for files about 4 % larger
PNG_COMPRESSION = 3
POINT_COLUMNS = ("estimate", "lower", "upper")
#: colour-blind-safe colours for overlaid series
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")


def pyplot():
    """matplotlib.pyplot with the non-interactive Agg backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(figure, stem: str | Path) -> list[Path]:
    """Save ``figure`` as ``<stem>.pdf`` and ``<stem>.png``, close it, return both paths.

    Both files are cropped to the one bounding box of everything drawn (plus
    :data:`PAD_INCHES`), measured once: ``bbox_inches="tight"`` would lay out
    the figure again for each file. The layout engine that
    ``Figure.tight_layout`` leaves behind is dropped first, as the layout is
    done: with it, ``savefig`` lays the figure out once more before each file.
    """
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = [stem.with_name(stem.name + ".pdf"), stem.with_name(stem.name + ".png")]
    figure.set_layout_engine(None)
    box = figure.get_tightbbox(figure.canvas.get_renderer()).padded(PAD_INCHES)
    figure.savefig(paths[0], dpi=DPI, bbox_inches=box, metadata={"CreationDate": None})
    figure.savefig(paths[1], dpi=DPI, bbox_inches=box, pil_kwargs={"compress_level": PNG_COMPRESSION})
    pyplot().close(figure)
    return paths


def tight_layout(figure, *, below: float = 0.0, above: float = 0.0) -> None:
    """Tight layout with ``below`` and ``above`` (figure fractions) left free under and over the panels.

    The layout of ``figure.tight_layout(rect=(0, below, 1, 1 - above))`` in
    one pass over the panels' labels instead of two: the outer margins move
    in, and the gap between rows keeps its size.
    """
    figure.tight_layout()
    params = figure.subplotpars
    rows = figure.axes[0].get_subplotspec().get_gridspec().nrows
    gap = params.hspace * (params.top - params.bottom) / (rows + params.hspace * (rows - 1))
    bottom, top = params.bottom + below, params.top - above
    figure.subplots_adjust(bottom=bottom, top=top, hspace=gap * rows / (top - bottom - gap * (rows - 1)))


def _check_points(points: pd.DataFrame, x: str, name: str) -> None:
    missing = [c for c in (x, *POINT_COLUMNS) if c not in points]
    if missing:
        raise InputError(f"{name} points lack column(s) {', '.join(missing)}", fix=f"give {x}, estimate, lower, upper")
    if points.empty:
        raise InputError(f"no {name} points to plot")


def event_study_plot(
    series: dict[str, pd.DataFrame],
    stem: str | Path,
    *,
    reference: int = -1,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "Coefficient",
    note: str = "",
) -> list[Path]:
    """Event-study coefficients with 95 % intervals by event time.

    Parameters
    ----------
    series : dict of str to DataFrame
        Label -> points with ``event_time, estimate, lower, upper`` (one label
        for a single estimator, several to overlay estimators; they are
        shifted sideways a little so the intervals do not hide each other).
    stem : str or Path
        Output path without suffix.
    reference : int
        The omitted period, drawn at zero with a hollow marker.
    title, xlabel, ylabel, note : str
        Title, axis labels (the x label names the reference period by
        default), and a line under the figure (e.g. the SE type).
    """
    for label, points in series.items():
        _check_points(points, "event_time", f"event-study ({label})")
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(6.4, 4.0))
    width = 0.5 / max(len(series), 1)
    for i, (label, points) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        offset = (i - (len(series) - 1) / 2) * width
        x = points["event_time"].astype(float) + offset
        axis.errorbar(
            x, points["estimate"],
            yerr=[points["estimate"] - points["lower"], points["upper"] - points["estimate"]],
            fmt="o", color=colour, ecolor=colour, elinewidth=1.2, capsize=3, markersize=4, label=label,
        )
        if reference not in set(points["event_time"].astype(int)):  # the omitted period, drawn at zero
            axis.plot([reference + offset], [0.0], marker="o", markerfacecolor="white", markeredgecolor=colour,
                      markersize=5)
    axis.set_xticks(sorted({int(t) for p in series.values() for t in p["event_time"]} | {reference}))
    _finish(figure, axis, marker=(-0.5, "treatment"), title=title,
            xlabel=xlabel or f"Years relative to treatment (reference: {reference})", ylabel=ylabel,
            legend=len(series) > 1, note=(note, -0.02))
    return save(figure, stem)


def marginal_return_plot(
    series: dict[str, pd.DataFrame],
    stem: str | Path,
    *,
    cutoff: int | None = None,
    title: str = "",
    xlabel: str = "Year",
    ylabel: str = "Marginal return",
    note: str = "",
) -> list[Path]:
    """Year-by-year marginal effects with 95 % bands, the sanction cutoff marked.

    Parameters
    ----------
    series : dict of str to DataFrame
        Label -> points with ``period, estimate, lower, upper``; several
        labels are overlaid (e.g. exposed and other firms).
    stem : str or Path
        Output path without suffix.
    cutoff : int, optional
        First post-sanction period, drawn as a dashed line before it.
    title, xlabel, ylabel, note : str
        Title, axis labels, and a line under the figure.
    """
    for label, points in series.items():
        _check_points(points, "period", f"marginal-return ({label})")
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(6.4, 4.0))
    for i, (label, points) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        x = points["period"].astype(float)
        axis.fill_between(x, points["lower"], points["upper"], color=colour, alpha=0.18, linewidth=0)
        axis.plot(x, points["estimate"], marker="o", color=colour, markersize=4, label=label)
    axis.set_xticks(sorted({int(p) for points in series.values() for p in points["period"]}))
    axis.tick_params(axis="x", labelrotation=45)
    _finish(figure, axis, marker=None if cutoff is None else (cutoff - 0.5, "sanctions"), title=title,
            xlabel=xlabel, ylabel=ylabel, legend=len(series) > 1, note=(note, -0.09))
    return save(figure, stem)


def _finish(figure, axis, *, marker: tuple[float, str] | None, title: str, xlabel: str, ylabel: str,
            legend: bool, note: tuple[str, float]) -> None:
    """The common frame: zero line, dashed onset marker, labels, legend, note under the figure."""
    axis.axhline(0.0, color="0.3", linewidth=0.8)
    if marker is not None:
        x, text = marker
        axis.axvline(x, color="0.3", linewidth=0.8, linestyle="--")
        axis.annotate(text, xy=(x, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -12),
                      textcoords="offset points", fontsize=8, color="0.3")
    axis.set_xlabel(xlabel)
    axis.set_ylabel(ylabel)
    if title:
        axis.set_title(title)
    if legend:
        axis.legend(frameon=False, fontsize=8)
    text, y = note
    if text:
        figure.text(0.01, y, text, fontsize=7, color="0.3", ha="left", va="top", wrap=True)
    axis.spines[["top", "right"]].set_visible(False)


def permutation_histogram(
    distribution, observed: float, stem: str | Path, title: str = "", *,
    xlabel: str = "Placebo coefficient", note: str = "",
) -> list[Path]:
    """Histogram of a randomization test's placebo coefficients with the observed one marked.

    Parameters
    ----------
    distribution : sequence of float
        The coefficients under the placebo assignments (NaN draws are left out).
    observed : float
        The coefficient under the actual assignment, drawn as a vertical line.
    stem : str or Path
        Output path without suffix (``.pdf`` and ``.png`` are written).
    title, xlabel, note : str
        Title, x-axis label, and a line under the figure.
    """
    import numpy as np

    values = np.asarray(distribution, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        raise InputError("no placebo coefficients to plot")
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(6, 3.6))
    axis.hist(values, bins=min(50, max(10, values.size // 20)), color="0.6", edgecolor="none")
    axis.axvline(observed, color="black", linewidth=1.5, label=f"observed = {observed:.3f}")
    axis.set_ylim(bottom=0)
    _finish(figure, axis, marker=None, title=title, xlabel=xlabel, ylabel="Draws", legend=True, note=(note, -0.04))
    return save(figure, stem)
