"""Monte Carlo coverage check of the demo: bias, spread against reported SEs, and 95 % coverage.

For each seed the demo is simulated at ``--firms`` firms, the panel built and
the entries of the three built-in firm studies that estimate a planted
parameter run (:data:`CHECKED`; the others, and the wild-bootstrap and
randomization tests, do not change these estimates). Every planted parameter
is compared with its estimate:

* ROA equation (``effects.roa``): b1, b2, b3, size, leverage and the zero terms,
  in the three specifications of ``returns_to_innovation``; the SOE shift in
  the pooled one;
* foreign-supplier share: the realised post shift of exposed upstream and
  downstream firms (``share_did_upstream``, ``share_did_downstream``);
* invention applications: the realised ATT on ln(1 + count) (``invention_did``
  and the staggered estimators of ``invention_staggered``); utility models: 0.

Each seed appends one JSON line to ``--out`` (so an interrupted run keeps what
it did; a rerun skips seeds already there); ``--summary`` prints, for each
parameter, the seeds, the mean bias, the SD of the estimates, the mean
reported SE, their ratio and the share of 95 % intervals (t with the model's
inference degrees of freedom; normal for the staggered estimators) that
cover the planted value.

Usage::

    python bench/monte_carlo_coverage.py --seeds 0-199 --firms 1000 --jobs 2
    python bench/monte_carlo_coverage.py --summary
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import tempfile
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

OUT = Path(__file__).parent / "out" / "coverage.jsonl"
ROA_MODELS = ("roa_inv_post_exposed", "roa_inv_post_exposed_indyear", "roa_inv_post_exposed_pooled")
#: study -> the entries (models and staggered designs) whose estimates are checked
CHECKED = {
    "returns_to_innovation": ROA_MODELS,
    "supply_chain_dependence": ("share_did_upstream", "share_did_downstream"),
    "patenting_response": ("invention_did", "utility_did", "invention_staggered"),
}


def checked_entries(study):
    """``study`` with only its entries named in :data:`CHECKED` (no tests, tables or figures)."""
    keep = CHECKED[study.name]
    return dataclasses.replace(
        study, models=tuple(m for m in study.models if m.name in keep), event_studies=(), marginal=(),
        staggered=tuple(s for s in study.staggered if s.name in keep), wild_bootstrap=(), randomization=(),
        tables=(), figures=())


def one_seed(seed: int, firms: int) -> dict:
    """Estimates, SEs, inference df and planted values of every checked parameter for one demo."""
    from models.studies import builtin_studies
    from models.studies.builtin import load_study
    from models.studies.runner import run_study
    from panel.assemble.builder import build_panel
    from panel.demo import simulate
    from panel.sources import load_folder

    with tempfile.TemporaryDirectory() as folder:
        demo = simulate(Path(folder) / "demo", seed=seed, n_firms=firms)
        truth = json.loads((demo / "ground_truth.json").read_text(encoding="utf-8"))
        panel = build_panel(load_folder(demo))
    results = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in builtin_studies():
            results[name] = run_study(checked_entries(load_study(name)), panel)
    roa = truth["effects"]["roa"]
    planted_roa = {"ln_invention_apply": roa["b1"], "ln_invention_apply:post": roa["b2"],
                   "ln_invention_apply:post:exposed": roa["b3"], "ln_invention_apply:exposed": 0.0,
                   "exposed_post": 0.0, "size": roa["size_coef"], "leverage": roa["leverage_coef"]}
    rows = []

    def add(label: str, result, term: str, planted: float) -> None:
        rows.append({"parameter": label, "estimate": float(result.params[term]),
                     "se": float(result.std_errors[term]), "df": int(result.df_inference), "planted": planted})

    for model in ROA_MODELS:
        for term, planted in planted_roa.items():
            add(f"{model}/{term}", results["returns_to_innovation"].models[model], term, planted)
    add("roa_inv_post_exposed_pooled/soe", results["returns_to_innovation"].models["roa_inv_post_exposed_pooled"],
        "soe", roa["soe"])
    realised = truth["effects"]["foreign_supplier_share"]["realised_post"]
    share = results["supply_chain_dependence"].models
    add("share_did_upstream/exposed_post", share["share_did_upstream"], "exposed_post",
        realised["exposed_upstream"]["att"])
    add("share_did_downstream/exposed_post", share["share_did_downstream"], "exposed_post",
        realised["exposed_downstream"]["att"])
    patents = results["patenting_response"]
    att = truth["effects"]["invention_apply"]["realised_att_ln1p"]["overall"]
    add("invention_did/treated_post", patents.models["invention_did"], "treated_post", att)
    add("utility_did/treated_post", patents.models["utility_did"], "treated_post", 0.0)
    for estimator, result in patents.staggered["invention_staggered"].items():
        rows.append({"parameter": f"invention_staggered/{estimator}/att", "estimate": result.att.estimate,
                     "se": result.att.std_error, "df": None, "planted": att})
    return {"seed": seed, "firms": firms, "rows": rows}


def summary(path: Path) -> None:
    """Print bias, SD, mean SE and coverage of every parameter over the seeds in ``path``."""
    from scipy import stats

    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    if not records:
        raise SystemExit(f"no seeds in {path}")
    print(f"{len(records)} seeds at {records[0]['firms']:,} firms ({path})")
    print(f"{'parameter':<58}{'planted':>10}{'bias':>11}{'SD':>10}{'mean SE':>10}{'SD/SE':>7}{'cover':>7}")
    by_parameter: dict[str, list[dict]] = {}
    for record in records:
        for row in record["rows"]:
            by_parameter.setdefault(row["parameter"], []).append(row)
    for name, rows in by_parameter.items():
        estimate = np.array([r["estimate"] for r in rows])
        se = np.array([r["se"] for r in rows])
        planted = np.array([r["planted"] for r in rows])
        critical = np.array([stats.norm.ppf(0.975) if r["df"] is None else stats.t.ppf(0.975, r["df"]) for r in rows])
        covered = np.abs(estimate - planted) <= critical * se
        sd = estimate.std(ddof=1) if len(rows) > 1 else float("nan")
        print(f"{name:<58}{planted.mean():>10.4f}{(estimate - planted).mean():>11.5f}{sd:>10.5f}{se.mean():>10.5f}"
              f"{sd / se.mean():>7.2f}{covered.mean():>7.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0-199", help="first-last seed, e.g. 0-199")
    parser.add_argument("--firms", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 1)))
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--summary", action="store_true", help="only summarise the seeds already in --out")
    args = parser.parse_args()
    if args.summary:
        summary(args.out)
        return
    first, last = (int(part) for part in args.seeds.split("-"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    done = set()
    if args.out.exists():
        done = {json.loads(line)["seed"] for line in args.out.read_text().splitlines() if line.strip()}
    todo = [seed for seed in range(first, last + 1) if seed not in done]
    with ProcessPoolExecutor(args.jobs) as pool, args.out.open("a") as out:
        for record in pool.map(one_seed, todo, [args.firms] * len(todo)):
            out.write(json.dumps(record) + "\n")
            out.flush()
            print(f"seed {record['seed']} done", flush=True)
    summary(args.out)


if __name__ == "__main__":
    main()
