"""The built firm-year panel and how it is saved and loaded."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from data_schemas.codebook import codebook_frame
from data_schemas.errors import InputError
from panel.build.drop_log import DROP_LOG_COLUMNS
from panel.build.options import BuildOptions
from panel.files import write_atomically

_META_KEY = b"chokepoint"


@dataclass(frozen=True)
class FirmPanel:
    """A firm-year panel with its build options, sample and drop log.

    Parameters
    ----------
    data : DataFrame
        One row per firm-year, columns as in :mod:`data_schemas.codebook`.
    drop_log : DataFrame
        Every row dropped while building (stage, source, firm_id, year, reason).
    options : BuildOptions
        The options it was built with.
    sample : str
        Name (or file) of the firm sample it is restricted to.
    """

    data: pd.DataFrame
    drop_log: pd.DataFrame
    options: BuildOptions = field(default_factory=BuildOptions)
    sample: str = "all"

    @property
    def n_firms(self) -> int:
        """Number of distinct firms."""
        return int(self.data["firm_id"].nunique())

    @property
    def indexed(self) -> pd.DataFrame:
        """The data indexed by (firm_id, year), as panel estimators expect."""
        return self.data.set_index(["firm_id", "year"])

    def restrict(self, keep: pd.Series, sample: str, reason: str) -> FirmPanel:
        """A new panel keeping the rows where ``keep`` is true; the others are logged.

        Raises
        ------
        InputError
            If no row is left.
        """
        keep = keep.fillna(False).astype(bool)
        if not keep.any():
            raise InputError(f"sample {sample!r} is empty: no firm-year of the panel is in it", fix="choose another sample")
        dropped = self.data.loc[~keep, ["firm_id", "year"]].assign(
            stage="sample", source="panel", reason=reason
        )
        log = pd.concat([self.drop_log, dropped[self.drop_log.columns]], ignore_index=True)
        return replace(self, data=self.data[keep].reset_index(drop=True), drop_log=log, sample=sample)

    def save(self, path: str | Path, *, force: bool = False) -> dict[str, Path]:
        """Write the panel (Parquet), its codebook and drop log (CSV), all or nothing.

        The build options and sample are stored in the Parquet metadata, so
        :func:`load_panel` restores them.
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        paths = companion_paths(path)
        meta = json.dumps({"options": self.options.to_dict(), "sample": self.sample}, ensure_ascii=False)

        def write_panel(target: Path) -> None:
            table = pa.Table.from_pandas(self.data, preserve_index=False)
            table = table.replace_schema_metadata({**(table.schema.metadata or {}), _META_KEY: meta.encode()})
            pq.write_table(table, target)

        write_atomically(
            {
                paths["panel"]: write_panel,
                paths["codebook"]: lambda t: codebook_frame().to_csv(t, index=False),
                paths["drop_log"]: lambda t: self.drop_log.to_csv(t, index=False),
            },
            force=force,
        )
        return paths


def companion_paths(path: str | Path) -> dict[str, Path]:
    """Where :meth:`FirmPanel.save` writes the panel, its codebook and its drop log.

    Examples
    --------
    >>> companion_paths("out/panel.parquet")["drop_log"].as_posix()
    'out/panel.drops.csv'
    """
    path = Path(path)
    stem = path.with_suffix("")
    return {
        "panel": path,
        "codebook": stem.with_name(stem.name + ".codebook.csv"),
        "drop_log": stem.with_name(stem.name + ".drops.csv"),
    }


#: the columns that identify a panel's rows
PANEL_KEYS = ("firm_id", "year")


def load_panel(path: str | Path) -> FirmPanel:
    """Read a panel written by :meth:`FirmPanel.save` (the drop log too, if beside it)."""
    import pyarrow.parquet as pq

    path = Path(path)
    try:
        table = pq.read_table(path)
    except (OSError, ValueError) as exc:
        raise InputError(f"not a readable Parquet panel ({exc.__class__.__name__})", file=path,
                         fix="pass a panel written by 'chokepoint build'") from None
    missing = [name for name in PANEL_KEYS if name not in table.column_names]
    if missing:
        raise InputError(f"the panel has no column {', '.join(repr(m) for m in missing)}", file=path,
                         fix="pass a panel written by 'chokepoint build' (firm_id and year identify its rows)")
    meta = json.loads((table.schema.metadata or {}).get(_META_KEY, b"{}"))
    options = meta.get("options", {})
    options = BuildOptions(
        **{**options, "filters": tuple(options.get("filters", BuildOptions().filters)),
           "winsor_limits": tuple(options.get("winsor_limits", BuildOptions().winsor_limits))}
    )
    log_path = companion_paths(path)["drop_log"]
    drop_log = (
        pd.read_csv(log_path, dtype={"firm_id": str, "year": "Int64"})
        if log_path.exists()
        else pd.DataFrame(columns=DROP_LOG_COLUMNS)
    )
    return FirmPanel(data=table.to_pandas(), drop_log=drop_log, options=options, sample=meta.get("sample", "all"))
