'''Studies as data: a TOML file of models, event studies and marginal effects, run in one call.

>>> from models.studies import run_study_file, builtin_studies
>>> sorted(builtin_studies())
['patenting_response', 'returns_to_innovation', 'supply_chain_dependence']
>>> results = run_study_file("returns_to_innovation", panel)          # doctest: +SKIP
>>> results["roa_inv_post_exposed"].params                              # doctest: +SKIP
>>> results.to_json("results.json")                                     # doctest: +SKIP

The study file format
---------------------
Top level (``name`` required)::

    name, title, description   strings
    sample                     named sample of panel/samples.py every entry starts from ("all")

``[panel]`` (optional): build options the panel must have been built with; a
panel built otherwise is refused. Keys: ``cutoff_year``, ``exposure_threshold``,
``pre_years``, ``sanction_date`` ("effective" | "announcement"),
``winsorize`` ("none" | "pooled" | "by_year"), ``winsor_limits``, ``filters``.
``Study.build_options()`` turns them into the builder's ``BuildOptions``.

``[[models]]``: one fixed-effects regression each.

    name            unique among models, event studies and marginal entries (required)
    outcome         column (required)
    regressors      columns whose coefficients are the point of the model
    interactions    products of columns, written and named "a:b[:c]", e.g. "ln_invention_apply:post:exposed";
                    the product becomes a column of that name
    controls        further columns (the reporter shows them as one "Controls" row)
    fixed_effects   absorbed columns, e.g. ["firm_id", "year"], ["firm_id", "industry_year"], "province_year"
    cluster         one or two columns; vcov defaults to "cluster" when given, else "iid"
    vcov            "iid" | "hc1" | "cluster" | "driscoll-kraay" (Driscoll-Kraay over year)
    family          "gaussian" (least squares, the default) | "poisson" (Poisson pseudo-maximum likelihood
                    for counts, models.poisson; no driscoll-kraay; not for wild-bootstrap or randomization tests)
    sample          named sample of panel/samples.py for this entry
    where           condition on columns: comparisons "column OP value" (OP: == != < <= > >=,
                    text values quoted) joined by "and", e.g. "supplier_coverage == 1 and year >= 2012"
    optional        true: when the outcome has no value in the study's sample (e.g. the customs-based
                    allied_import_share on data without customs transactions), the run skips the model
                    and the tables, figures and tests naming it, with a warning

A regressor or control that never varies within a fixed effect (soe under
firm effects) is refused before estimating, with the fix.

``[[event_studies]]``: leads and lags, pre-trend F test on the leads.

    name, outcome   (required)
    timing          (required) a column of each firm's first treatment year ("first_treat_year";
                    missing = never treated), or a year for an exposure design, together with
    treated         a 0/1 column: those firms are treated from the timing year, or
    exposure        a continuous column: coefficients exposure x 1{year = t}
    window          [first, last] event times kept (exposure designs: years timing+first..timing+last)
    reference       omitted event time, -1 by default (exposure designs: the year timing+reference)
    bin_endpoints   true: event times beyond the window join the endpoints (needs a window)
    family          "gaussian" | "poisson" as for models (a Poisson pre-trend test is chi-squared)
    controls, fixed_effects (default ["firm_id", "year"]), cluster (default ["firm_id"]), vcov, sample, where

``[[marginal]]``: the return to ``x`` in each period, beta_x + beta_{x x 1{by = t}},
with standard errors from the full covariance.

    name, outcome, x (required); by (default "year"); reference (default: first period);
    regressors, controls, fixed_effects, cluster, vcov, sample, where

``[[staggered]]``: heterogeneity-robust difference-in-differences with staggered
treatment timing (:mod:`models.staggered`), every estimator on the same firms.

    name, outcome   (required)
    cohort          (required) a column of each firm's first treatment year; missing or 0 = never treated
    estimators      subset of "twfe", "sun-abraham", "callaway-santanna", "imputation" (all four by default)
    control         comparison firms of Callaway-Sant'Anna: "never" (default) | "notyet"
    covariates      further columns
    window          [first, last] event times reported (the estimation uses every year)
    cluster         ["firm_id"] (the default and the only choice: the estimators cluster by firm)
    sample, where   as for models

Firms treated in or before their first year in the entry's sample (e.g.
sanctioned before listing) have no pre-treatment year; they are left out and
counted in the results' coverage (``excluded_firms``, ``excluded_reason``)
and in the table note.

``[[wild_bootstrap]]``: restricted wild cluster bootstrap test of one coefficient
of a ``[[models]]`` entry, re-clustered by a column with few clusters.

    name, model, cluster (required); term (the model's first regressor by default);
    weights ("webb" (default) | "rademacher"); draws (9999); seed (0)

``[[randomization]]``: randomization inference for the treatment indicator of a
``[[models]]`` entry (:func:`models.inference.randomization_inference`): the
coefficient under many placebo assignments, and the share of them at least as
large in absolute value as the observed one (the observed counted).

    name, model, placebo (required); term (the model's first regressor by default; it must be
    the indicator of year >= cohort, e.g. "treated_post"); cohort (each firm's first treatment
    year, "first_treat_year" by default); placebo "firms": first treatment years permuted across
    firms within strata (a firm-level column, e.g. "industry"; all firms without it);
    placebo "years": each treated cohort moved to a placebo first year drawn from
    years (e.g. the pre-period years; every year but the first by default); draws (999); seed (0)

``[[cases]]``: a firm dossier of one firm or a named group, and synthetic
counterfactuals for it, as ``chokepoint case`` makes them (:mod:`models.case_study`):
time lines against the industry P10-P90 band, events, a facts table, and per
``synth`` outcome and method the counterfactual with its placebos.

    name            the case's name (a safe name: its tables are <study>_facts_<name>, <study>_synth_<name>)
    firms           (required) firm codes, quoted: ["688017"] or a group ["300024", "002747"]
    synth           outcomes of the counterfactuals (none by default: the dossier only)
    methods         "sc" | "sdid" | "did" (["sc", "sdid"] by default)
    donors          never-exposed firms listed before start, "industry" (the case's industries, default) |
                    "section" | "all" | "auto" (the narrowest that leaves 20 donors)
    start           first treated year (2019)

A firm code not in the panel stops the run before anything is estimated, naming the nearest codes.

``[[tables]]`` and ``[[figures]]`` are declarations for the reporter; nothing is
estimated for them, but the names in them are checked.

    tables:   name, models (models or event studies, in column order), title, column_titles
              (one per column), notes, controls_row (true: controls as one "Controls" row);
              keep, drop, order: coefficient-name patterns (regular expressions the whole name
              matches; a plain name matches itself), e.g. drop = ["size", "event_-?[5-9]"];
              rename = { "ln_invention_apply" = "Patents", "event_(-?\\d+)" = "Year \\1" }: labels of
              coefficients, outcomes, fixed effects or clusters, by exact name or pattern;
              statistics: the statistic rows in order, from "nobs", "r2", "r2_within", "pseudo_r2",
              "depvar_mean", "singletons", "pretrend_p", "clusters" (by default observations,
              (within) R², the outcome's mean and clusters);
              extra_rows = { Sample = ["All", "Exposed"], Estimator = ["OLS", "OLS"] }: text rows
              after the fixed-effect rows, one cell per column;
              second_row: what goes under each coefficient, "se" | "t" | "p" | "ci" | "none";
              digits (0-10) and numbers: "auto" (digits decimals, more where a non-zero number
              would show under two significant digits) | "fixed" (exactly digits decimals) |
              "significant" (digits significant digits); row_digits = { nobs = 0, "ln_.*" = 4 }:
              digits of single rows, by statistic name or coefficient pattern (second_row, digits
              and numbers override the run's --se/--digits for this table).
              Columns with different standard errors get a "Standard errors" row naming each.
              kind = "panels": [[tables.panels]] entries (title, models; two or more, the same
              number of models each) stacked as "Panel A: <title>", "Panel B: ..." under one
              header; shared = true (default): one fixed-effect and statistics block for all
              panels (the models of a column must then agree in fixed effects, estimator and
              standard errors), shared = false: one block per panel.
              kind = "staggered": models names [[staggered]] entries, each one column per
              estimator (column_titles head each entry's columns; only title, column_titles,
              notes, second_row, digits and numbers apply)
    figures:  name, kind ("event_study" | "marginal" | "permutation"), sources (entries of that kind;
              an event-study figure may name [[staggered]] entries, one series per estimator; a
              permutation figure names one [[randomization]] entry, drawn as the histogram of its
              placebo coefficients with the observed one marked), title,
              xlabel, ylabel, notes, labels (legend text, one per source; the entry names by default),
              scale ("coefficient" | "percent": event-study coefficients drawn as 100 (exp(b) - 1) %)

Wild-bootstrap and randomization tests appear as notes under every regression
table holding their model.

Unknown keys are errors with a suggestion; so are names of samples, models,
entries or coefficients that do not exist. Columns are checked against the
panel before anything is estimated. Every such error is one ``InputError``
naming the file, the entry and the fix.

A complete example
------------------
Copy, save as ``my_study.toml`` and run ``run_study_file("my_study.toml", panel)``::

    name = "my_study"
    title = "Returns to patenting"
    description = "ROA on invention applications, before and after 2019."
    sample = "high_tech"

    [panel]
    cutoff_year = 2019
    winsorize = "none"

    [[models]]
    name = "roa_post"
    outcome = "roa"
    regressors = ["ln_invention_apply"]
    interactions = ["ln_invention_apply:post", "ln_invention_apply:post:exposed"]
    controls = ["size", "leverage"]
    fixed_effects = ["firm_id", "year"]
    cluster = ["firm_id"]

    [[models]]
    name = "roa_post_industry_year"
    outcome = "roa"
    regressors = ["ln_invention_apply"]
    interactions = ["ln_invention_apply:post", "ln_invention_apply:post:exposed"]
    controls = ["size", "leverage"]
    fixed_effects = ["firm_id", "industry_year"]
    cluster = ["firm_id"]

    [[event_studies]]
    name = "patents_es"
    outcome = "ln_invention_apply"
    timing = "first_treat_year"
    window = [-5, 4]
    bin_endpoints = true

    [[event_studies]]
    name = "supplier_share_es"
    outcome = "foreign_supplier_share"
    timing = 2019
    treated = "exposed"
    window = [-5, 4]
    where = "supplier_coverage == 1"

    [[marginal]]
    name = "roa_return_by_year"
    outcome = "roa"
    x = "ln_invention_apply"
    controls = ["size", "leverage"]
    fixed_effects = ["firm_id", "year"]
    cluster = ["firm_id"]

    [[tables]]
    name = "roa"
    title = "ROA and invention patents"
    models = ["roa_post", "roa_post_industry_year"]
    column_titles = ["Year FE", "Industry x year FE"]
    drop = ["size", "leverage"]
    statistics = ["nobs", "r2_within", "clusters"]
    extra_rows = { Sample = ["High-tech", "High-tech"] }
    notes = "Post: year >= 2019."

    [[figures]]
    name = "patents"
    kind = "event_study"
    sources = ["patents_es"]
    title = "Invention applications around the first treatment"

Results
-------
:func:`run_study` returns an immutable :class:`StudyResults`: ``models``
(name -> :class:`models.Result`), ``event_studies`` (name ->
:class:`EventStudyResult` with ``coefficients()`` by event time and
``pretrend``), ``marginal`` (name -> :class:`MarginalResult` with
``by_period``), ``staggered`` (name -> {estimator: :class:`models.staggered.StaggeredResult`}),
``wild_bootstrap`` (name -> :class:`models.inference.WildBootstrapResult`),
``randomization`` (name -> :class:`models.inference.RandomizationResult`), ``cases`` (name ->
:class:`models.case_study.CaseStudy`), ``coverage`` (firm-years, firms, firm-years naming suppliers;
per entry its subsample and observations) and the ``study`` with its table and
figure declarations. ``to_dict()``/``to_json()`` and ``from_dict()``/``read_json()``
round-trip everything without re-estimating.
'''

from models.studies.builtin import builtin_studies, load_study, run_study_file
from models.studies.condition import Condition, parse_condition
from models.studies.results import EventStudyResult, MarginalResult, StudyResults
from models.studies.runner import PreparedStudy, estimate_study, prepare_study, run_study
from models.studies.study import Study, read_study, study_from_mapping

__all__ = [
    "Condition",
    "EventStudyResult",
    "MarginalResult",
    "PreparedStudy",
    "Study",
    "StudyResults",
    "builtin_studies",
    "estimate_study",
    "load_study",
    "parse_condition",
    "prepare_study",
    "read_study",
    "run_study",
    "run_study_file",
    "study_from_mapping",
]
