# Reference estimates and standard errors for tests/test_models_reference.py.
#
# Run from the repository root (after python tests/reference/export_data.py):
#   Rscript tests/reference/reference.R
# Reads grunfeld.csv, wage_panel.csv, synthetic_panel.csv beside this script and
# writes reference_values.csv. See README.md in this folder for the conventions.
suppressPackageStartupMessages({
  library(sandwich)
  library(clubSandwich)
  library(plm)
})

here <- "tests/reference"
data_sets <- list(
  grunfeld = read.csv(file.path(here, "grunfeld.csv")),
  wage_panel = read.csv(file.path(here, "wage_panel.csv")),
  synthetic_panel = read.csv(file.path(here, "synthetic_panel.csv"))
)

# Each model: data set, outcome, regressors, fixed effects, weights, the vcov
# types to compute ("cluster:a+b" clusters by a and b; "dk:year" is
# Driscoll-Kraay over year).
models <- list(
  list(data = "grunfeld", y = "invest", x = c("value", "capital"), fe = c(), w = "",
       vcov = c("iid", "hc1", "cluster:firm")),
  list(data = "grunfeld", y = "invest", x = c("value", "capital"), fe = c("firm"), w = "",
       vcov = c("iid", "hc1", "cluster:firm", "cluster:firm+year", "dk:year")),
  list(data = "grunfeld", y = "invest", x = c("value", "capital"), fe = c("firm", "year"), w = "",
       vcov = c("iid", "hc1", "cluster:firm", "cluster:year", "cluster:firm+year", "dk:year")),
  list(data = "wage_panel", y = "lwage", x = c("expersq", "union", "married"), fe = c("nr", "year"), w = "",
       vcov = c("iid", "hc1", "cluster:nr", "cluster:nr+year", "dk:year")),
  list(data = "synthetic_panel", y = "y", x = c("x1", "x2", "x3"), fe = c("firm", "year"), w = "",
       vcov = c("iid", "hc1", "cluster:firm", "cluster:industry", "cluster:firm+year", "dk:year")),
  list(data = "synthetic_panel", y = "y", x = c("x1", "x2", "x3"), fe = c("firm", "industry_year"), w = "",
       vcov = c("iid", "hc1", "cluster:firm", "cluster:firm+year", "dk:year")),
  list(data = "synthetic_panel", y = "y", x = c("x1", "x2", "x3"), fe = c("firm", "year"), w = "w",
       vcov = c("iid", "hc1", "cluster:firm", "cluster:firm+year", "dk:year"))
)

# Rank of the intercept, the regressors and the dummies of the fixed effects that
# are not nested in any of the cluster variables: the K of reghdfe/fixest.
k_not_nested <- function(d, x, fe, clusters) {
  nested <- vapply(fe, function(f) {
    any(vapply(clusters, function(g) all(tapply(d[[g]], d[[f]], function(v) length(unique(v))) == 1), TRUE))
  }, TRUE)
  keep <- fe[!nested]
  rhs <- paste(c("1", x, if (length(keep)) paste0("factor(", keep, ")")), collapse = " + ")
  qr(model.matrix(as.formula(paste("~", rhs)), d))$rank
}

rows <- list()
for (m in models) {
  d <- data_sets[[m$data]]
  rhs <- paste(c(m$x, if (length(m$fe)) paste0("factor(", m$fe, ")")), collapse = " + ")
  f <- as.formula(paste(m$y, "~", rhs))
  fit <- if (m$w == "") lm(f, d) else lm(f, d, weights = d[[m$w]])
  n <- nobs(fit)
  k_lsdv <- fit$rank
  for (v in m$vcov) {
    kind <- sub(":.*", "", v)
    arg <- if (grepl(":", v)) strsplit(sub(".*:", "", v), "\\+")[[1]] else character(0)
    if (kind == "iid") {
      V <- vcov(fit)
    } else if (kind == "hc1") {
      V <- vcovHC(fit, type = "HC1")  # n / (n - K)
    } else if (kind == "cluster") {
      k_nested <- k_not_nested(d, m$x, m$fe, arg)
      raw <- function(g) vcovCL(fit, cluster = d[g], type = "HC0", cadjust = FALSE)
      if (length(arg) == 1) {
        # sandwich: G/(G-1) (n-1)/(n-K_lsdv); rescale to K without nested effects
        V <- vcovCL(fit, cluster = d[arg], type = "HC1", cadjust = TRUE) * (n - k_lsdv) / (n - k_nested)
        # independent check: clubSandwich CR1 is G/(G-1) with no n-factor
        V_club <- as.matrix(vcovCR(fit, cluster = d[[arg]], type = "CR1")) * (n - 1) / (n - k_nested)
        stopifnot(max(abs(V[m$x, m$x] - V_club[m$x, m$x]) / abs(V[m$x, m$x])) < 1e-8)
        G_min <- length(unique(d[[arg]]))
        stopifnot(max(abs(V - raw(arg) * G_min / (G_min - 1) * (n - 1) / (n - k_nested))) < 1e-12 * max(abs(V)))
      } else {
        # Cameron-Gelbach-Miller, each term scaled by the smaller G (reghdfe, fixest)
        inter <- interaction(d[[arg[1]]], d[[arg[2]]], drop = TRUE)
        V_inter <- vcovCL(fit, cluster = inter, type = "HC0", cadjust = FALSE)
        G_min <- min(length(unique(d[[arg[1]]])), length(unique(d[[arg[2]]])))
        V <- (raw(arg[1]) + raw(arg[2]) - V_inter) * G_min / (G_min - 1) * (n - 1) / (n - k_nested)
        # sandwich's own two-way estimator (each term with its own G) agrees up to the factors
        V_sw <- vcovCL(fit, cluster = d[arg], type = "HC0", cadjust = FALSE, multi0 = FALSE)
        stopifnot(max(abs(V_sw - (raw(arg[1]) + raw(arg[2]) - V_inter))) < 1e-10 * max(abs(V_sw)))
      }
    } else if (kind == "dk") {
      # Driscoll-Kraay: Bartlett kernel on period sums of scores, lag floor(T^(1/4)), no adjustment
      periods <- length(unique(d[[arg]]))
      lag <- floor(periods^(1 / 4))
      V <- vcovPL(fit, cluster = d[[arg]], order.by = d[[arg]], lag = lag, adjust = FALSE)
      V <- V[, , drop = FALSE]
      if (m$w == "" && length(m$fe) >= 1 && all(m$fe %in% c(m$fe[1], "year"))) {
        # cross-check with plm::vcovSCC on the within model
        effect <- if (length(m$fe) == 2) "twoways" else "individual"
        pd <- pdata.frame(d, index = c(m$fe[1], "year"))
        pm <- plm(as.formula(paste(m$y, "~", paste(m$x, collapse = " + "))), pd, model = "within", effect = effect)
        V_scc <- vcovSCC(pm, maxlag = lag)
        stopifnot(max(abs(V[m$x, m$x] - V_scc[m$x, m$x]) / abs(V_scc[m$x, m$x])) < 1e-8)
      }
    }
    est <- coef(fit)[m$x]
    se <- sqrt(diag(V)[m$x])
    rows[[length(rows) + 1]] <- data.frame(
      dataset = m$data, outcome = m$y, regressors = paste(m$x, collapse = "+"),
      fixed_effects = paste(m$fe, collapse = "+"), weights = m$w,
      vcov = kind, vcov_arg = paste(arg, collapse = "+"),
      term = m$x, estimate = sprintf("%.15g", est), std_error = sprintf("%.15g", se)
    )
  }
}
out <- do.call(rbind, rows)
write.csv(out, file.path(here, "reference_values.csv"), row.names = FALSE, quote = FALSE)
cat(sprintf("%d reference rows written with R %s, sandwich %s, clubSandwich %s, plm %s\n",
            nrow(out), getRversion(), packageVersion("sandwich"), packageVersion("clubSandwich"),
            packageVersion("plm")))

# ---------------------------------------------------------------------------
# The study models on a slice of the simulated demo panel (demo_panel_slice.csv,
# written by export_data.py): interactions and subsamples are made here, in R,
# from the raw columns, and fixed-effect singletons are dropped repeatedly as
# reghdfe does, so tests/test_studies_reference.py checks the study runner's
# interactions, subsample conditions and singleton handling as well as the
# variance estimators. Writes study_reference_values.csv.
slice <- read.csv(file.path(here, "demo_panel_slice.csv"), colClasses = c(firm_id = "character"))
slice$inv_post <- slice$ln_invention_apply * slice$post
slice$inv_post_exposed <- slice$ln_invention_apply * slice$post * slice$exposed

drop_singletons <- function(d, fe) {
  repeat {
    single <- Reduce(`|`, lapply(fe, function(f) ave(seq_len(nrow(d)), d[[f]], FUN = length) == 1))
    if (!any(single)) return(d)
    d <- d[!single, ]
  }
}

# name: the study model name; x: R columns and the names the study gives them
roa_x <- c(ln_invention_apply = "ln_invention_apply", inv_post = "ln_invention_apply:post",
           inv_post_exposed = "ln_invention_apply:post:exposed", size = "size", leverage = "leverage")
study_models <- list(
  list(name = "roa_firm_year", y = "roa", x = roa_x, fe = c("firm_id", "year"), where = NULL,
       vcov = c("iid", "hc1", "cluster:firm_id", "cluster:firm_id+year", "dk:year")),
  list(name = "roa_firm_industry_year", y = "roa", x = roa_x, fe = c("firm_id", "industry_year"), where = NULL,
       vcov = c("iid", "hc1", "cluster:firm_id", "dk:year")),
  list(name = "share_supplier_firms", y = "foreign_supplier_share", x = c(exposed_post = "exposed_post"),
       fe = c("firm_id", "year"), where = function(d) d$supplier_coverage == 1,
       vcov = c("iid", "hc1", "cluster:firm_id", "cluster:firm_id+year", "dk:year"))
)

study_rows <- list()
for (m in study_models) {
  d <- if (is.null(m$where)) slice else slice[m$where(slice), ]
  d <- d[complete.cases(d[, c(m$y, names(m$x), m$fe)]), ]
  d <- drop_singletons(d, m$fe)
  xs <- names(m$x)
  f <- as.formula(paste(m$y, "~", paste(c(xs, paste0("factor(", m$fe, ")")), collapse = " + ")))
  fit <- lm(f, d)
  n <- nobs(fit)
  k_lsdv <- fit$rank
  for (v in m$vcov) {
    kind <- sub(":.*", "", v)
    arg <- if (grepl(":", v)) strsplit(sub(".*:", "", v), "\\+")[[1]] else character(0)
    if (kind == "iid") {
      V <- vcov(fit)
    } else if (kind == "hc1") {
      V <- vcovHC(fit, type = "HC1")
    } else if (kind == "cluster") {
      k_nested <- k_not_nested(d, xs, m$fe, arg)
      raw <- function(g) vcovCL(fit, cluster = d[g], type = "HC0", cadjust = FALSE)
      if (length(arg) == 1) {
        G <- length(unique(d[[arg]]))
        V <- raw(arg) * G / (G - 1) * (n - 1) / (n - k_nested)
      } else {
        inter <- interaction(d[[arg[1]]], d[[arg[2]]], drop = TRUE)
        V_inter <- vcovCL(fit, cluster = inter, type = "HC0", cadjust = FALSE)
        G_min <- min(length(unique(d[[arg[1]]])), length(unique(d[[arg[2]]])))
        V <- (raw(arg[1]) + raw(arg[2]) - V_inter) * G_min / (G_min - 1) * (n - 1) / (n - k_nested)
      }
    } else if (kind == "dk") {
      lag <- floor(length(unique(d[[arg]]))^(1 / 4))
      V <- vcovPL(fit, cluster = d[[arg]], order.by = d[[arg]], lag = lag, adjust = FALSE)
    }
    study_rows[[length(study_rows) + 1]] <- data.frame(
      model = m$name, vcov = kind, vcov_arg = paste(arg, collapse = "+"), nobs = n,
      term = unname(m$x), estimate = sprintf("%.15g", coef(fit)[xs]), std_error = sprintf("%.15g", sqrt(diag(V)[xs]))
    )
  }
}
study_out <- do.call(rbind, study_rows)
write.csv(study_out, file.path(here, "study_reference_values.csv"), row.names = FALSE, quote = FALSE)
cat(sprintf("%d study reference rows written\n", nrow(study_out)))
