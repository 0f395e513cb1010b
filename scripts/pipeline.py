"""Wiring of ``chokepoint run``: data -> panel -> study -> tables and figures -> run bundle.

The layers do the work; this module only chooses the inputs, caches what is
shared between studies (the demo folder, panels built with the same options)
and assembles each bundle with its manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from data_schemas.errors import InputError

#: studies implemented in Python rather than as TOML, by name -> module:function building their bundle
SPECIAL_STUDIES: dict[str, str] = {
    "import_substitution": "report.import_substitution_report:import_substitution_bundle",
}


@dataclass(frozen=True)
class DataChoice:
    """Where a run's data come from: exactly one of a fresh demo, a raw-data folder or a built panel.

    Parameters
    ----------
    demo : bool
        Simulate a demo (``seed``, ``firms``) into a temporary folder.
    data_dir : Path, optional
        Folder of raw files (see :func:`panel.sources.load_folder`).
    panel_file : Path, optional
        A panel written by ``chokepoint build``.
    seed, firms : int
        Demo seed and size.
    """

    demo: bool = False
    data_dir: Path | None = None
    panel_file: Path | None = None
    seed: int = 0
    firms: int = 4000

    def __post_init__(self) -> None:
        given = sum([self.demo, self.data_dir is not None, self.panel_file is not None])
        if given != 1:
            raise InputError("give exactly one of --demo, --data DIR or --panel FILE")

    def describe(self) -> dict[str, Any]:
        """For the manifest."""
        if self.demo:
            return {"kind": "demo", "simulated": True, "seed": self.seed, "firms": self.firms}
        if self.data_dir is not None:
            return {"kind": "data", "path": str(self.data_dir)}
        return {"kind": "panel", "path": str(self.panel_file)}


@dataclass
class DataSource:
    """Panels and raw folders for a run, each made once and shared between studies."""

    choice: DataChoice
    workdir: Path
    _raw_folder: Path | None = None
    _raw_tables: dict = field(default_factory=dict)
    _panels: dict = field(default_factory=dict)
    files: list[dict[str, Any]] = field(default_factory=list)

    def raw_folder(self) -> Path:
        """The folder of raw files (a fresh demo is simulated on first use)."""
        if self.choice.panel_file is not None:
            raise InputError("this study needs raw files, not a built panel", fix="pass --demo or --data DIR")
        if self._raw_folder is None:
            if self.choice.demo:
                from panel.demo import simulate

                self._raw_folder = simulate(self.workdir / "demo_data", seed=self.choice.seed, n_firms=self.choice.firms)
            else:
                self._raw_folder = self.choice.data_dir
        return self._raw_folder

    def imports_folder(self) -> Path:
        """The folder holding the customs and GDP files (a demo simulates only these)."""
        if self.choice.demo and self._raw_folder is None:
            from panel.demo.imports import write_imports_demo

            folder = self.workdir / "imports_demo"
            write_imports_demo(folder, seed=self.choice.seed)
            return folder
        return self.raw_folder()

    def panel(self, options, sample: str | None):
        """The firm-year panel built with ``options`` (or read from --panel), restricted to ``sample``."""
        from panel.samples import select_sample

        key = (options, sample)
        if key not in self._panels:
            if self.choice.panel_file is not None:
                from panel.firm_panel import load_panel
                from report.manifest import file_record

                built = load_panel(self.choice.panel_file)
                self._record(file_record(self.choice.panel_file))
            else:
                built = self._build(options)
            self._panels[key] = select_sample(built, sample) if sample else built
        return self._panels[key]

    def _build(self, options):
        from panel.build.builder import build_panel
        from panel.sources import load_folder

        cutoff = options.cutoff_year
        if cutoff not in self._raw_tables:
            raw = load_folder(self.raw_folder(), cutoff_year=cutoff)
            for records in raw.provenance.values():
                for record in records:
                    self._record({"path": str(record.path), "bytes": record.size, "sha256": record.sha256})
            self._raw_tables[cutoff] = raw
        return build_panel(self._raw_tables[cutoff], options)

    def _record(self, record: dict[str, Any]) -> None:
        if record not in self.files:
            self.files.append(record)


def default_run_name() -> str:
    """UTC time stamp naming a run, e.g. ``20261123-181500``."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")


def study_bundle(study, source: DataSource, sample: str | None, progress):
    """Estimate a TOML study and return its bundle content (tables, figures, results, manifest)."""
    from models.studies import run_study
    from panel.samples import SAMPLES
    from report.bundle import BundleContent
    from report.study_report import study_figures, study_tables
    from report.manifest import build_manifest, drop_summary

    progress.step(f"{study.name}: panel")
    panel = source.panel(study.build_options(), sample)
    progress.step(f"{study.name}: {len(study.entries)} models")
    results = run_study(study, panel)
    simulated = source.choice.demo
    text = Path(study.file).read_text(encoding="utf-8") if study.file else ""
    manifest = build_manifest(
        study={"name": study.name, "file": study.file, "sha256": hashlib.sha256(text.encode()).hexdigest(),
               "toml": text, "spec": study.to_dict()},
        data={**source.choice.describe(), "files": source.files},
        panel={"options": panel.options.to_dict(), "sample": panel.sample,
               "sample_definition": SAMPLES[panel.sample].definition if panel.sample in SAMPLES else f"firms listed in {panel.sample}",
               "firms": panel.n_firms, "firm_years": len(panel.data), "coverage": dict(results.coverage.get("panel", {})),
               "drops": drop_summary(panel.drop_log)},
    )
    return BundleContent(
        tables=study_tables(results, simulated=simulated),
        figures=study_figures(results, simulated=simulated),
        results=results.to_dict(),
        manifest=manifest,
        title=study.title,
        description=study.description,
    )


def run_studies(names: list[str], choice: DataChoice, *, sample: str | None, out_root: Path, run_name: str,
                formats: tuple[str, ...], style, force: bool, progress_factory) -> list[Path]:
    """Run each study and write its bundle to ``out_root/<study>/<run_name>``.

    Every target is checked before anything is estimated (safe names, inside
    ``out_root``, writable, an earlier run replaced only with ``force``), so a
    run that could not be saved stops at once.
    """
    from models.studies import load_study
    from panel.files import check_output_folder, refuse_existing
    from report.bundle import bundle_target, write_bundle
    from report.page.rebuild import write_run_index
    from report.page.run_index import run_index_path

    check_output_folder(out_root)
    studies = [name if name in SPECIAL_STUDIES else load_study(name) for name in names]
    targets = [bundle_target(out_root, s if isinstance(s, str) else s.name, run_name, force=force) for s in studies]
    refuse_existing([run_index_path(out_root, run_name)] if len(targets) > 1 else [], force=force)
    progress = progress_factory(3 * len(studies))  # each study: data, estimation, writing
    written = []
    with tempfile.TemporaryDirectory(prefix="chokepoint-run-") as tmp:
        source = DataSource(choice, Path(tmp))
        for study, target in zip(studies, targets):
            if isinstance(study, str):
                module, function = SPECIAL_STUDIES[study].split(":")
                content = getattr(importlib.import_module(module), function)(source, progress)
            else:
                content = study_bundle(study, source, sample, progress)
            progress.step(f"{target.parent.name}: writing {target}")
            written.append(write_bundle(target, content, formats=formats, style=style, force=force))
    return written + write_run_index(out_root, written)


def study_names(study: str, choice: DataChoice, sample: str | None) -> list[str]:
    """The studies to run: ``"all"`` -> every built-in study the data allow; otherwise the one given.

    The studies in :data:`SPECIAL_STUDIES` read raw commodity files, not the
    firm panel: ``all`` leaves them out when the data are a built panel, and
    naming one with ``--panel`` or ``--sample`` is an error.
    """
    from models.studies import builtin_studies

    if study == "all":
        firm_level = list(builtin_studies())
        return firm_level if choice.panel_file is not None else [*firm_level, *SPECIAL_STUDIES]
    if study in SPECIAL_STUDIES:
        if choice.panel_file is not None:
            raise InputError(f"{study} reads customs and GDP files, not a firm panel", fix="pass --demo or --data DIR")
        if sample is not None:
            raise InputError(f"{study} has no firm sample", fix="leave out --sample")
    return [study]
