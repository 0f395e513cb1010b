"""Where a run's data come from, and the panels and raw folders made from them once per run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from data_schemas.errors import InputError
from panel.jobs import JobRunner
from panel.sources.folder import FileRecord

#: what the workers of :attr:`DataSource.run` import before they are forked: the demo and the readers
READER_MODULES = ("panel.demo", "panel.sources.folder", "panel.engines.duckdb_engine")


@dataclass(frozen=True)
class DataChoice:
    """Exactly one of a fresh demo, a raw-data folder or a built panel.

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
    panel_allowed : bool
        Whether a built panel is an allowed choice (not for ``chokepoint build``).

    Examples
    --------
    >>> DataChoice(demo=True).describe()
    {'kind': 'demo', 'simulated': True, 'seed': 0, 'firms': 4000}
    >>> DataChoice()
    Traceback (most recent call last):
    ...
    data_schemas.errors.InputError: give exactly one of --demo, --data DIR or --panel FILE
    """

    demo: bool = False
    data_dir: Path | None = None
    panel_file: Path | None = None
    seed: int = 0
    firms: int = 4000
    panel_allowed: bool = field(default=True, repr=False, compare=False)

    def __post_init__(self) -> None:
        given = sum([self.demo, self.data_dir is not None, self.panel_file is not None])
        if given != 1 or (self.panel_file is not None and not self.panel_allowed):
            options = "--demo, --data DIR or --panel FILE" if self.panel_allowed else "--demo or --data DIR"
            raise InputError(f"give exactly one of {options}")

    def describe(self) -> dict[str, Any]:
        """For the manifest."""
        if self.demo:
            return {"kind": "demo", "simulated": True, "seed": self.seed, "firms": self.firms}
        if self.data_dir is not None:
            return {"kind": "data", "path": str(self.data_dir)}
        return {"kind": "panel", "path": str(self.panel_file)}


@dataclass
class DataSource:
    """Panels and raw folders of a run, each made once and shared between studies.

    Parameters
    ----------
    choice : DataChoice
        Where the data come from.
    workdir : Path
        A temporary folder for the demo's files.
    engine : panel.engines engine, optional
        What aggregates record-level tables (DuckDB by default).
    run : callable, optional
        A job runner (:mod:`panel.jobs`, e.g. :meth:`runs.parallel.Workers.run`):
        the demo's files are then written,
        and the raw tables read, side by side (with the default engine only; a
        given engine stays here).
    """

    choice: DataChoice
    workdir: Path
    engine: Any = None
    run: JobRunner | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    _raw_folder: Path | None = None
    _imports_folder: Path | None = None
    _raw_tables: dict[int, Any] = field(default_factory=dict)
    _panels: dict[tuple[Any, str | None], Any] = field(default_factory=dict)

    def raw_folder(self) -> Path:
        """The folder of raw files (a fresh demo is simulated on first use)."""
        if self._raw_folder is None:
            if self.choice.demo:
                from panel.demo import simulate

                self._raw_folder = simulate(self.workdir / "demo_data", seed=self.choice.seed, n_firms=self.choice.firms,
                                            run=self.run)
            elif self.choice.data_dir is not None:
                self._raw_folder = self.choice.data_dir
            else:
                raise InputError("this study needs raw files, not a built panel", fix="pass --demo or --data DIR")
        return self._raw_folder

    def imports_folder(self) -> Path:
        """The folder holding the customs and GDP files (a demo without firm studies simulates only these)."""
        if self._raw_folder is not None or not self.choice.demo:
            return self.raw_folder()
        if self._imports_folder is None:
            from panel.demo.imports import write_imports_demo

            self._imports_folder = self.workdir / "imports_demo"
            write_imports_demo(self._imports_folder, seed=self.choice.seed)
        return self._imports_folder

    def panel(self, options, sample: str | None):
        """The firm-year panel built with ``options`` (or read from --panel), restricted to ``sample``."""
        from panel.samples import select_sample

        key = (options, sample)
        if key not in self._panels:
            if self.choice.panel_file is not None:
                from panel.firm_panel import load_panel

                built = load_panel(self.choice.panel_file)
                self.record(self.choice.panel_file)
            else:
                built = self._build(options)
            self._panels[key] = select_sample(built, sample) if sample else built
        return self._panels[key]

    def _build(self, options):
        from panel.assemble.builder import build_panel
        from panel.sources import load_folder

        cutoff = options.cutoff_year
        if cutoff not in self._raw_tables:
            raw = load_folder(self.raw_folder(), cutoff_year=cutoff, engine=self.engine,
                              run=self.run if self.engine is None else None)
            for records in raw.provenance.values():
                for record in records:
                    self._add(record)
            self._raw_tables[cutoff] = raw
        return build_panel(self._raw_tables[cutoff], options)

    def record(self, path: Path) -> None:
        """Add a file read to the run's list of inputs (path, size, SHA-256)."""
        self._add(FileRecord.of(Path(path)))

    def _add(self, record: FileRecord) -> None:
        entry = record.to_dict()
        if entry not in self.files:
            self.files.append(entry)
