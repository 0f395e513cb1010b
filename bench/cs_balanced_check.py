import json, sys, tempfile, warnings
from pathlib import Path
warnings.simplefilter("ignore")
from panel.assemble.builder import build_panel
from panel.demo import simulate
from panel.sources import load_folder
from models.staggered import callaway_santanna
for seed in map(int, sys.argv[1:]):
    with tempfile.TemporaryDirectory() as f:
        demo = simulate(Path(f) / "demo", seed=seed, n_firms=1000)
        truth = json.loads((demo / "ground_truth.json").read_text())
        panel = build_panel(load_folder(demo))
    d = panel.data.reset_index() if "firm_id" not in panel.data.columns else panel.data
    d = d[d["ln_invention_apply"].notna()]
    first = d.groupby("firm_id")["year"].transform("min")
    c = d["first_treat_year"].fillna(0)
    d = d[~((c > 0) & (c <= first))]
    ny = d["year"].nunique()
    bal = d[d.groupby("firm_id")["year"].transform("nunique") == ny]
    att = truth["effects"]["invention_apply"]["realised_att_ln1p"]["overall"]
    a = callaway_santanna(d, "ln_invention_apply", unit="firm_id", time="year", cohort="first_treat_year", leads=5).att
    b = callaway_santanna(bal, "ln_invention_apply", unit="firm_id", time="year", cohort="first_treat_year", leads=5).att
    print(seed, "planted", round(att,4), "unbal", round(a.estimate,4), round(a.std_error,4), d.firm_id.nunique(),
          "bal", round(b.estimate,4), round(b.std_error,4), bal.firm_id.nunique(), flush=True)
