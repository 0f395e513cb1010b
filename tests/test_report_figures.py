"""Figures: files written in both formats, what is drawn, and clear errors on bad points."""

from __future__ import annotations

import pandas as pd
import pytest

from data_schemas.errors import InputError
from report.figures import event_study_plot, marginal_return_plot, pyplot, save, tight_layout


@pytest.fixture
def event_points():
    points = pd.DataFrame({"event_time": [-3, -2, 0, 1, 2], "estimate": [0.01, -0.02, 0.25, 0.35, 0.44]})
    return points.assign(lower=points.estimate - 0.05, upper=points.estimate + 0.05)


def test_event_study_plot_writes_pdf_and_png(event_points, tmp_path, monkeypatch):
    drawn = {}
    import matplotlib.axes

    original = matplotlib.axes.Axes.set_xticks

    def spy(self, ticks, *args, **kwargs):
        drawn["ticks"] = list(ticks)
        return original(self, ticks, *args, **kwargs)

    monkeypatch.setattr(matplotlib.axes.Axes, "set_xticks", spy)
    paths = event_study_plot({"TWFE": event_points}, tmp_path / "es", reference=-1, title="t")
    assert [p.name for p in paths] == ["es.pdf", "es.png"]
    assert paths[0].read_bytes()[:4] == b"%PDF" and paths[1].read_bytes()[:4] == b"\x89PNG"
    assert drawn["ticks"] == [-3, -2, -1, 0, 1, 2], "the reference period is on the axis"


def test_marginal_return_plot(tmp_path):
    points = pd.DataFrame({"period": [2017, 2018, 2019], "estimate": [0.01, 0.012, 0.004]})
    points = points.assign(lower=points.estimate - 0.002, upper=points.estimate + 0.002)
    paths = marginal_return_plot({"exposed": points, "other": points.assign(estimate=points.estimate / 2)}, tmp_path / "mr", cutoff=2019)
    assert all(p.stat().st_size > 1000 for p in paths)


def test_bad_points_are_errors(event_points, tmp_path):
    with pytest.raises(InputError, match=r"event-study \(TWFE\) points lack column\(s\) upper; give event_time"):
        event_study_plot({"TWFE": event_points.drop(columns="upper")}, tmp_path / "x")
    with pytest.raises(InputError, match=r"no marginal-return \(exposed\) points to plot"):
        marginal_return_plot({"exposed": pd.DataFrame(columns=["period", "estimate", "lower", "upper"])}, tmp_path / "y")


def test_save_draws_a_laid_out_figure_once_per_file(tmp_path, monkeypatch):
    import matplotlib.figure

    draws = []
    original = matplotlib.figure.Figure.draw

    def counted(self, renderer):
        draws.append(renderer)
        return original(self, renderer)

    figure, axes = pyplot().subplots(1, 2)
    axes[0].plot([0, 1], [1, 0])
    figure.tight_layout()
    monkeypatch.setattr(matplotlib.figure.Figure, "draw", counted)
    paths = save(figure, tmp_path / "laid_out")
    assert [p.name for p in paths] == ["laid_out.pdf", "laid_out.png"]
    assert len(draws) == 2, "one draw per file, no layout pass before each"


@pytest.mark.parametrize("rows", [1, 3])
def test_tight_layout_leaves_room_as_a_rect_would(rows):
    def panels():
        figure, axes = pyplot().subplots(rows, 2, figsize=(8, 2.5 * rows))
        for i, axis in enumerate(axes.flat):
            axis.plot([0, 10 ** i], [0, 1])
            axis.set_title(f"panel {i}")
        figure.suptitle("title")
        return figure

    expected, figure = panels(), panels()
    expected.tight_layout(rect=(0, 0.05, 1, 0.97))
    tight_layout(figure, below=0.05, above=0.03)
    keys = ("left", "right", "bottom", "top", "wspace") + (("hspace",) if rows > 1 else ())
    assert [getattr(figure.subplotpars, k) for k in keys] == pytest.approx(
        [getattr(expected.subplotpars, k) for k in keys], abs=1e-12)
    for f in (expected, figure):
        pyplot().close(f)
