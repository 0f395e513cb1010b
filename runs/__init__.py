"""Runs: each study from its data to a bundle of tables, figures, results and manifest.

Usable from Python without the command line::

    from runs import DataChoice, run_studies
    run_studies(["returns_to_innovation"], DataChoice(demo=True, firms=400), sample=None,
                out_root=Path("results"), run_name="draft", formats=("latex",), style=Style())

The route every study takes
---------------------------
A study *kind* implements the protocol :class:`runs.kinds.StudyKind`:

``name``
    The study's name: the bundle goes to ``<out>/<name>/<run>/``.
``check(choice, sample)``
    Refuse a data choice or firm sample the kind cannot use, before any file is
    read (e.g. a commodity study given ``--panel``).
``load(source, sample)``
    Read the data through :mod:`panel` (``source`` is a
    :class:`runs.data.DataSource`: ``source.panel(options, sample)`` for the
    firm-year panel, ``source.raw_folder()`` for raw files,
    ``source.record(path)`` to list a file read in the manifest) and check
    everything that can be checked without estimating: declarations,
    columns, samples, the variation each estimate needs.  Raise
    :class:`data_schemas.errors.InputError`.
``estimate(loaded)``
    Estimate with :mod:`models` into immutable results with ``to_dict()``
    (the bundle's ``results.json``).
``render(results, simulated=...)``
    Tables and figures with :mod:`report` only: a :class:`runs.kinds.Rendered`.
``manifest(loaded, results, choice, files)``
    The ``study``, ``data`` and ``panel`` sections of the manifest.

:func:`runs.run.run_studies` calls ``check`` for every study, then ``load``
for every study, then ``estimate`` and ``render`` for every study, and only
then writes all bundles together (staged inside the output root and moved
into place), so a multi-study run fails before writing anything.  With
``jobs`` above 1 the demo's files, the raw tables, the estimates and every
figure and table are made side by side on worker processes
(:mod:`runs.parallel`); a kind's loaded data, its results' content and its
figures must therefore pickle.

A new kind is added to :data:`runs.kinds.BUILTIN_KINDS` (a built-in study
name -> a factory of the kind), or returned by :func:`runs.kinds.resolve` for
the entries it recognises (TOML studies are :class:`runs.kinds.FirmStudy`).

:mod:`runs.compare` compares the numbers of two run roots.
"""

from runs.data import DataChoice, DataSource
from runs.kinds import BUILTIN_KINDS, CaseStudies, FirmStudy, ImportSubstitutionStudy, Rendered, StudyKind, resolve
from runs.run import default_run_name, run_studies, study_names

__all__ = [
    "BUILTIN_KINDS",
    "CaseStudies",
    "DataChoice",
    "DataSource",
    "FirmStudy",
    "ImportSubstitutionStudy",
    "Rendered",
    "StudyKind",
    "default_run_name",
    "resolve",
    "run_studies",
    "study_names",
]
