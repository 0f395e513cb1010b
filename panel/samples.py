"""Named firm samples and samples read from a file of firm ids."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data_schemas.errors import InputError
from panel.firm_panel import FirmPanel


@dataclass(frozen=True)
class Sample:
    """A named rule selecting firm-years of the panel.

    Parameters
    ----------
    name : str
        What users type after ``--sample``.
    definition : str
        The rule in words, as listed by ``chokepoint samples``.
    rule : callable
        Panel DataFrame -> boolean Series of firm-years to keep.
    """

    name: str
    definition: str
    rule: Callable[[pd.DataFrame], pd.Series]


SAMPLES: dict[str, Sample] = {
    s.name: s
    for s in (
        Sample("all", "every firm-year that passed the filters", lambda p: pd.Series(True, index=p.index)),
        Sample("high_tech", "firms in high-tech industries (industry flag high_tech)", lambda p: p["high_tech"] == 1),
        Sample("manufacturing", "manufacturing firms (CSRC section C)", lambda p: p["manufacturing"] == 1),
        Sample("star", "firms listed on the STAR Market (market type 32)", lambda p: p["market_type"] == 32),
        Sample("soe", "state-owned enterprises", lambda p: p["soe"] == 1),
        Sample("poe", "privately owned (non-state) enterprises", lambda p: p["soe"] == 0),
        Sample("upstream", "upstream industries: materials, equipment, components", lambda p: p["upstream"] == 1),
        Sample("downstream", "downstream industries: final goods and services", lambda p: p["upstream"] == 0),
        Sample(
            "no_semiconductor",
            "excluding semiconductor firms (half or more of pre-cutoff patents in IPC H01L/H10)",
            lambda p: p["semiconductor"] == 0,
        ),
    )
}


def read_firm_ids(path: str | Path) -> set[str]:
    """Firm ids from a file: a CSV with a ``firm_id`` or ``Stkcd`` column, or one id per line.

    Ids are zero-padded to six digits.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the sample file ({exc.__class__.__name__})", file=path,
                         fix="give a UTF-8 text or CSV file of firm ids") from None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise InputError("the sample file is empty", file=path, fix="list one firm id per line")
    header = [h.strip().lower() for h in lines[0].split(",")]
    column = next((i for i, h in enumerate(header) if h in ("firm_id", "stkcd", "scode", "symbol")), None)
    rows = [line.split(",") for line in (lines[1:] if column is not None else lines)]
    values = [r[column if column is not None else 0].strip().strip('"') for r in rows]
    bad = [i + (2 if column is not None else 1) for i, v in enumerate(values) if not v.isdigit() or len(v) > 6]
    if bad:
        raise InputError("not a firm id (up to six digits)", file=path, rows=bad,
                         fix="write one stock code per line, or a CSV with a firm_id column")
    return {v.zfill(6) for v in values}


def select_sample(panel: FirmPanel, sample: str) -> FirmPanel:
    """Restrict ``panel`` to a named sample or to the firms listed in a file.

    Parameters
    ----------
    panel : FirmPanel
        The built panel.
    sample : str
        A name from :data:`SAMPLES`, or the path of a file of firm ids.

    Returns
    -------
    FirmPanel
        A new panel; the dropped firm-years are added to its drop log.
    """
    if sample in SAMPLES:
        return panel.restrict(in_sample(SAMPLES[sample], panel.data), sample, f"outside sample '{sample}'")
    if Path(sample).is_file():
        ids = read_firm_ids(sample)
        absent = len(ids - set(panel.data["firm_id"]))
        if 0 < absent < len(ids):  # none in the panel: the empty sample is an error below
            warnings.warn(f"{absent} of the {len(ids)} firm ids in {sample} {'is' if absent == 1 else 'are'} not in the panel "
                          "(not listed, or all their firm-years dropped by the filters; see the drop log)",
                          stacklevel=2)
        return panel.restrict(panel.data["firm_id"].isin(ids), sample, f"firm not listed in {Path(sample).name}")
    raise InputError(
        f"unknown sample {sample!r}",
        fix=f"choose from {', '.join(SAMPLES)}, or give a file of firm ids",
    )


def in_sample(sample: Sample, data: pd.DataFrame) -> pd.Series:
    """The firm-years of ``data`` in ``sample``.

    Raises
    ------
    InputError
        If the panel lacks the column the sample's rule reads.
    """
    try:
        return sample.rule(data)
    except KeyError as exc:
        raise InputError(f"sample '{sample.name}' needs the column {exc}, which the panel lacks",
                         fix="rebuild the panel with 'chokepoint build', or choose another sample") from None


def sample_sizes(panel: FirmPanel) -> pd.DataFrame:
    """Firms and firm-years of every named sample in ``panel``."""
    rows = []
    for sample in SAMPLES.values():
        keep = in_sample(sample, panel.data).fillna(False).astype(bool)
        rows.append(
            {
                "sample": sample.name,
                "firms": int(panel.data.loc[keep, "firm_id"].nunique()),
                "firm_years": int(keep.sum()),
                "definition": sample.definition,
            }
        )
    return pd.DataFrame(rows)
