"""Callaway-Sant'Anna on the demo's unbalanced panel vs its balanced sub-panel, against the planted ATT.

The entry checked is ``invention_staggered`` of ``patenting_response`` (never-treated
controls, 5 leads; firms treated before their first year dropped, as the study does).

Usage: ``python bench/cs_balanced_check.py 0 1 2`` (seeds; 1,000 firms each).
"""

from __future__ import annotations

import json
import sys
import tempfile
import warnings
from pathlib import Path

from models.staggered import callaway_santanna
from panel.assemble.builder import build_panel
from panel.demo import simulate
from panel.sources import load_folder


def one_seed(seed: int, firms: int = 1000) -> str:
    """One line: the planted ATT, CS on the unbalanced panel and on its balanced sub-panel (SE, firms)."""
    with tempfile.TemporaryDirectory() as folder:
        demo = simulate(Path(folder) / "demo", seed=seed, n_firms=firms)
        truth = json.loads((demo / "ground_truth.json").read_text(encoding="utf-8"))
        panel = build_panel(load_folder(demo))
    frame = panel.data.reset_index() if "firm_id" not in panel.data.columns else panel.data
    frame = frame[frame["ln_invention_apply"].notna()]
    first_year = frame.groupby("firm_id")["year"].transform("min")
    cohort = frame["first_treat_year"].fillna(0)
    frame = frame[~((cohort > 0) & (cohort <= first_year))]
    balanced = frame[frame.groupby("firm_id")["year"].transform("nunique") == frame["year"].nunique()]
    planted = truth["effects"]["invention_apply"]["realised_att_ln1p"]["overall"]
    line = f"{seed:4d}  planted {planted:.4f}"
    for label, sample in (("unbalanced", frame), ("balanced", balanced)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            att = callaway_santanna(sample, "ln_invention_apply", unit="firm_id", time="year",
                                    cohort="first_treat_year", leads=5).att
        line += f"  {label} {att.estimate:.4f} ({att.std_error:.4f}, {sample['firm_id'].nunique()} firms)"
    return line


if __name__ == "__main__":
    for seed in sys.argv[1:]:
        print(one_seed(int(seed)), flush=True)
