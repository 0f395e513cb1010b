"""``chokepoint run`` as a library call: studies -> checked data -> estimates -> bundles, all or none."""

from __future__ import annotations

import datetime as dt
import pickle
import tempfile
from collections.abc import Callable, Sequence
from contextlib import ExitStack, suppress
from functools import partial
from pathlib import Path
from typing import Any

from data_schemas.errors import InputError
from runs.data import READER_MODULES, DataChoice, DataSource
from runs.kinds import BUILTIN_KINDS, StudyKind, resolve
from runs.parallel import Workers
from runs.run_warnings import distinct, recording

#: what the workers of a run import before it forks them: the readers, the estimators and the renderers
WORKER_MODULES = (*READER_MODULES, "runs.run", "models.studies", "models.case_study", "models.import_substitution_study",
                  "report.bundle", "report.study_report", "report.case_study", "report.import_substitution_report",
                  "matplotlib.pyplot", "diff_diff", "linearmodels")


class _Quiet:
    """A progress reporter that says nothing."""

    def __init__(self, total: int) -> None:
        self.total = total

    def step(self, what: str) -> None:
        """Ignore the step."""


def default_run_name() -> str:
    """UTC time stamp naming a run, e.g. ``20261123-181500``."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")


def study_names(study: str, choice: DataChoice) -> list[str]:
    """The studies to run: ``"all"`` -> every built-in study the data allow; otherwise the one given.

    The kinds of :data:`runs.kinds.BUILTIN_KINDS` read raw files, not the firm
    panel: ``all`` leaves them out when the data are a built panel.
    """
    from models.studies import builtin_studies

    if study == "all":
        firm_level = list(builtin_studies())
        return firm_level if choice.panel_file is not None else [*firm_level, *BUILTIN_KINDS]
    return [study]


def run_studies(names: Sequence[str], choice: DataChoice, *, sample: str | None, out_root: Path, run_name: str,
                formats: tuple[str, ...], style: Any, force: bool = False, jobs: int = 1,
                progress_factory: Callable[[int], Any] = _Quiet) -> list[Path]:
    """Run each study and write its bundle to ``out_root/<study>/<run_name>``.

    Every study is checked before anything is estimated (its data choice and
    sample, the targets, then each study's data are loaded and checked) and
    the bundles are written into temporary folders inside ``out_root`` and
    moved into place together once every study is estimated and drawn: a run
    of several studies that fails leaves no bundle behind.  The user
    warnings each study raises while its data are read and its models
    estimated go into its bundle (results.json and the page), each once.

    With ``jobs`` above 1 the studies are estimated side by side, and each
    study's tables and figures are drawn as soon as it is estimated, on up to ``jobs`` worker
    processes started with the run (:mod:`runs.parallel`); the bundles are the
    same as with one, to the last digit.  A script that calls this with
    ``jobs`` above 1 needs the ``if __name__ == "__main__":`` guard of every
    multiprocessing program: each worker imports the script's main module.

    Returns
    -------
    list of Path
        The bundles written, then the run's index page (when it has several bundles).
    """
    from panel.files import atomic_directory, check_output_folder, refuse_existing
    from report.bundle import MANIFEST_FILE, bundle_target, finish_bundle
    from report.page.rebuild import write_run_index
    from report.page.run_index import run_index_path

    kinds = [resolve(name) for name in names]
    for kind in kinds:
        kind.check(choice, sample)
    check_output_folder(out_root)
    targets = [bundle_target(out_root, kind.name, run_name, force=force) for kind in kinds]
    if len(set(targets)) != len(targets):
        raise InputError("two studies of the run have the same name", fix="give every study its own name")
    refuse_existing([run_index_path(out_root, run_name)] if len(targets) > 1 else [], force=force)
    progress = progress_factory(3 * len(kinds))  # each study: data, estimation, writing
    with tempfile.TemporaryDirectory(prefix="chokepoint-run-") as tmp, Workers(jobs, preload=WORKER_MODULES) as workers:
        source = DataSource(choice, Path(tmp), run=workers.run)
        estimations = []
        for kind in kinds:
            progress.step(f"{kind.name}: data")
            said: list[str] = []
            with recording(said):
                data = kind.load(source, sample)
            estimations.append(partial(_estimated, kind, data, choice, list(source.files), said))
        new_study_folders = [target.parent for target in targets if not target.parent.exists()]
        try:
            with ExitStack() as stack:
                folders = [stack.enter_context(atomic_directory(target, force=force, marker=MANIFEST_FILE))
                           for target in targets]
                # each study's tables and figures are drawn as soon as it is estimated, beside the others' estimation
                finished = workers.run_then(
                    estimations, lambda i, content: _drawing(folders[i], content, formats=formats, style=style),
                    done=lambda i: progress.step(f"{kinds[i].name}: estimated"))
                for kind, folder, (content, drawn), target in zip(kinds, folders, finished, targets):
                    progress.step(f"{kind.name}: writing {target}")
                    finish_bundle(folder, content, _figure_files(content, drawn), formats=formats, style=style)
        except BaseException:
            for folder in new_study_folders:  # left empty by the failed write
                with suppress(OSError):
                    folder.rmdir()
            raise
    return targets + write_run_index(out_root, targets)


def _estimated(kind: StudyKind, data: Any, choice: DataChoice, read: list[dict[str, Any]], said: list[str]) -> Any:
    """A loaded study estimated and rendered: its bundle's content (a :class:`report.bundle.BundleContent`)."""
    from report.bundle import BundleContent
    from report.manifest import build_manifest

    with recording(said):
        results = kind.estimate(data)
    rendered = kind.render(results, simulated=choice.demo)
    return BundleContent(tables=rendered.tables, figures=rendered.figures, results=results.to_dict(),
                         manifest=build_manifest(**kind.manifest(data, results, choice, read)),
                         title=rendered.title, description=rendered.description, warnings=distinct(said))


def _drawing(folder: Path, content: Any, *, formats: tuple[str, ...], style: Any) -> list[tuple[Callable[[], Any], float]]:
    """The jobs that draw a study's figures (in the order of ``content.figures``), then write its tables, with their sizes.

    A figure's size is that of what it draws, pickled: the dossiers and
    synthetic controls, which take longest, start first.
    """
    from report.bundle import draw_figure, write_tables

    figures = [(partial(draw_figure, folder, name, draw), float(len(pickle.dumps(draw))))
               for name, draw in content.figures.items()]
    return [*figures, (partial(write_tables, folder, content.tables, formats=formats, style=style), 0.0)]


def _figure_files(content: Any, drawn: Sequence[Any]) -> dict[str, list[str]]:
    """Figure name -> the files drawn for it, from the values of :func:`_drawing`'s jobs."""
    return dict(zip(content.figures, drawn[:len(content.figures)], strict=True))
