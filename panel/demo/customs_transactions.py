"""SIMULATED firm-level customs transactions 2015-2024, for the imported-input dependence outcome.

Not real data: the file sits beside the other simulated files and the truth
file says SIMULATED.

Data-generating process:

* a share :data:`IMPORTER_SHARE` of the firms import; each importing firm has
  a baseline share of its imports from the US and its allies
  ``a_i ~ Beta(4, 3)`` (mean 0.57), of which a fraction :data:`US_FRACTION`
  from the US;
* from the cutoff year (2019) on, exposed firms' allied share moves by
  :data:`ALLIED_SHARE_EFFECT` (a small fall, clipped to [0, 1]);
* every importing firm-year has :data:`LINES_PER_YEAR` transaction lines: a
  month, an origin drawn with those shares (the other allies and the
  non-allied origins uniformly), an HS8 code (70 % from the chokepoint group
  list, 30 % from two ordinary inputs) and a value ``exp(N(10, 1))`` US
  dollars drawn independently of the origin, so the expected value share of
  the US and its allies is the planted one.

The planted effect, the importing and exposed firms are written to
``customs_transactions_truth.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from panel.sources.customs_transactions import US_ALLIES
from panel.sources.hs_groups import load_hs_groups

FILE = "customs_transactions.csv"
TRUTH_FILE = "customs_transactions_truth.json"
YEARS = range(2015, 2025)
IMPORTER_SHARE = 0.45
US_FRACTION = 0.35
ALLIED_SHARE_EFFECT = -0.04
LINES_PER_YEAR = 8
#: the transactions' own random stream (independent of the other demo files' streams)
STREAM = 15
OTHER_ORIGINS = ("VN", "MY", "SG", "TH", "MX")
ORDINARY_CODES = ("39011000", "72081000")


def write_customs_transactions(
    folder: Path, seed: int, firm_ids: pd.Series, exposed: set[str], cutoff_year: int
) -> list[Path]:
    """Simulate the transactions of ``firm_ids`` and write them and their truth into ``folder``.

    Parameters
    ----------
    folder : Path
        The demo folder being written.
    seed : int
        The demo's seed (the transactions draw from their own stream of it).
    firm_ids : pandas.Series
        The demo's firms.
    exposed : set of str
        The exposed firms (the ground truth's group).
    cutoff_year : int
        First post-sanction year.

    Returns
    -------
    list of Path
        The transactions file and the truth file.
    """
    rng = np.random.default_rng(np.random.SeedSequence((seed, STREAM)))
    firms = np.asarray(sorted(firm_ids.astype(str)))
    importers = firms[rng.random(len(firms)) < IMPORTER_SHARE]
    baseline = rng.beta(4.0, 3.0, len(importers))
    codes = load_hs_groups().codes
    chokepoint = np.asarray(sorted(c + "0" * (8 - len(c)) for c in codes["hs_code"].astype(str)))
    firm = np.repeat(np.repeat(importers, len(YEARS)), LINES_PER_YEAR)
    year = np.tile(np.repeat(np.asarray(YEARS), LINES_PER_YEAR), len(importers))
    allied = np.repeat(baseline, len(YEARS) * LINES_PER_YEAR)
    shifted = np.isin(firm, sorted(exposed)) & (year >= cutoff_year)
    allied = np.clip(np.where(shifted, allied + ALLIED_SHARE_EFFECT, allied), 0.0, 1.0)
    draw = rng.random(len(firm))
    us = draw < allied * US_FRACTION
    ally = ~us & (draw < allied)
    origin = np.where(
        us,
        "US",
        np.where(ally, rng.choice(US_ALLIES, len(firm)), rng.choice(OTHER_ORIGINS, len(firm))),
    )
    ordinary = rng.random(len(firm)) < 0.3
    hs8 = np.where(ordinary, rng.choice(ORDINARY_CODES, len(firm)), rng.choice(chokepoint, len(firm)))
    month = year * 100 + rng.integers(1, 13, len(firm))
    value = np.round(np.exp(rng.normal(10.0, 1.0, len(firm))), 2)
    table = pd.DataFrame({"Stkcd": firm, "hs8": hs8, "month": month, "value_usd": value, "origin": origin})
    path = folder / FILE
    table.to_csv(path, index=False, encoding="utf-8")
    truth = {
        "simulated": True,
        "description": "SIMULATED firm-level customs transactions (not real data); see panel/demo/customs_transactions.py",
        "allied_import_share_effect": {"exposed_post": ALLIED_SHARE_EFFECT},
        "cutoff_year": cutoff_year,
        "importers": importers.tolist(),
        "allies": list(US_ALLIES),
    }
    truth_path = folder / TRUTH_FILE
    truth_path.write_text(json.dumps(truth, indent=1) + "\n", encoding="utf-8")
    return [path, truth_path]
