# Reference values for tests/test_poisson_reference.py (Poisson PML with fixed effects).
#
# Run from the repository root:
#   Rscript tests/reference/poisson/reference.R
# Writes, beside this script: epil.csv and ships.csv (from R's MASS package),
# simulated_counts.csv (simulated here, seed below) and reference_values.csv.
# See README.md in this folder for the conventions.
suppressPackageStartupMessages({
  library(MASS)
  library(sandwich)
})

here <- "tests/reference/poisson"

# --- data ---------------------------------------------------------------------
# Epileptic seizure counts (Thall and Vail 1990): 59 patients, 4 two-week periods.
epil <- MASS::epil
epil$progabide <- as.integer(epil$trt == "progabide")
epil$trt_p3 <- epil$progabide * (epil$period == 3)
epil$trt_p4 <- epil$progabide * (epil$period == 4)
epil <- epil[, c("subject", "period", "y", "progabide", "lbase", "lage", "age", "trt_p3", "trt_p4")]
write.csv(epil, file.path(here, "epil.csv"), row.names = FALSE)

# Ship damage incidents (McCullagh and Nelder 1989): ship type, construction and
# operation period, months of service; rows without service left out.
ships <- MASS::ships[MASS::ships$service > 0, ]
for (t in c("B", "C", "D", "E")) ships[[paste0("type", t)]] <- as.integer(ships$type == t)
ships <- ships[, c("type", "year", "period", "service", "incidents", "typeB", "typeC", "typeD", "typeE")]
write.csv(ships, file.path(here, "ships.csv"), row.names = FALSE)

# A simulated firm-year panel of negative-binomial counts: 150 firms, 2012-2021,
# the first 12 firms never patent (their rows are dropped as all-zero groups),
# weights, exposures, industries (firms nested in them), and a dummy 'spike'
# that is one on four zero-count rows only (it separates them).
set.seed(20261201)
n_firm <- 150; years <- 2012:2021
sim <- expand.grid(year = years, firm = 1:n_firm)[, c("firm", "year")]
n <- nrow(sim)
sim$industry <- (sim$firm - 1) %% 11
sim$x1 <- rnorm(n)
sim$x2 <- rbinom(n, 1, 0.4)
sim$x3 <- rnorm(n) + 0.05 * (sim$year - 2016)
alpha <- rnorm(n_firm, -0.5, 1)[sim$firm]
gamma <- (sim$year - 2016) * 0.04
sim$exposure <- runif(n, 0.5, 3)
sim$w <- runif(n, 0.5, 2)
mu <- exp(0.4 * sim$x1 - 0.3 * sim$x2 + 0.2 * sim$x3 + alpha + gamma) * sim$exposure
sim$y <- rnbinom(n, size = 1.5, mu = mu)
sim$y[sim$firm <= 12] <- 0
sim$spike <- 0
zeros <- which(sim$y == 0 & sim$firm > 12)
sim$spike[zeros[c(3, 17, 41, 90)]] <- 1
write.csv(sim, file.path(here, "simulated_counts.csv"), row.names = FALSE)

data_sets <- list(epil = epil, ships = ships, simulated_counts = sim)

# --- models -------------------------------------------------------------------
# Each: data set, outcome, regressors, fixed effects, weights, exposure, the vcov
# types ("cluster:a+b" clusters by a and b) and rows to leave out as separated
# by a regressor ('sep', an R expression), which is then not a regressor.
models <- list(
  list(data = "epil", y = "y", x = c("lbase", "lage", "progabide"), fe = c("period"), w = "", e = "",
       vcov = c("iid", "hc1", "cluster:subject")),
  list(data = "epil", y = "y", x = c("trt_p3", "trt_p4"), fe = c("subject", "period"), w = "", e = "",
       vcov = c("iid", "hc1", "cluster:subject", "cluster:subject+period")),
  list(data = "epil", y = "y", x = c("lbase", "progabide"), fe = c("period"), w = "age", e = "",
       vcov = c("iid", "cluster:subject")),
  list(data = "ships", y = "incidents", x = c("typeB", "typeC", "typeD", "typeE"), fe = c("year", "period"),
       w = "", e = "service", vcov = c("iid", "hc1")),
  list(data = "simulated_counts", y = "y", x = c("x1", "x2", "x3"), fe = c("firm", "year"), w = "", e = "",
       vcov = c("iid", "hc1", "cluster:firm", "cluster:industry", "cluster:firm+year")),
  list(data = "simulated_counts", y = "y", x = c("x1", "x2", "x3"), fe = c("firm", "year"), w = "w", e = "exposure",
       vcov = c("iid", "hc1", "cluster:firm", "cluster:firm+year")),
  list(data = "simulated_counts", y = "y", x = c("x1", "x2", "x3"), fe = c(), w = "", e = "",
       vcov = c("iid", "hc1", "cluster:firm")),
  list(data = "simulated_counts", y = "y", x = c("x1", "x2", "x3", "spike"), fe = c("firm", "year"), w = "", e = "",
       vcov = c("cluster:firm"), sep = "spike == 1")
)

# Rows kept after dropping, in turn until none is left, levels of a fixed effect
# whose outcomes are all zero and singletons (as fixest and ppmlhdfe).
kept_rows <- function(d, y, fe) {
  keep <- rep(TRUE, nrow(d))
  repeat {
    before <- sum(keep)
    for (f in fe) {
      pos <- tapply(d[[y]][keep] > 0, d[[f]][keep], any)
      keep[keep] <- pos[as.character(d[[f]][keep])]
      counts <- table(d[[f]][keep])
      keep[keep] <- counts[as.character(d[[f]][keep])] > 1
    }
    if (sum(keep) == before) return(keep)
  }
}

# Rank of the intercept, the regressors and the dummies of the fixed effects not
# nested in a cluster variable: fixest's K (fixef.K = "nested").
k_not_nested <- function(d, x, fe, clusters) {
  nested <- vapply(fe, function(f) {
    any(vapply(clusters, function(g) all(tapply(d[[g]], d[[f]], function(v) length(unique(v))) == 1), TRUE))
  }, TRUE)
  keep <- fe[!nested]
  rhs <- paste(c("1", x, if (length(keep)) paste0("factor(", keep, ")")), collapse = " + ")
  qr(model.matrix(as.formula(paste("~", rhs)), d))$rank
}

ctrl <- glm.control(epsilon = 1e-14, maxit = 200)
rows <- list()
for (m in models) {
  d <- data_sets[[m$data]]
  n_sep <- 0
  x <- m$x
  if (!is.null(m$sep)) {
    sep <- with(d, eval(parse(text = m$sep)))
    n_sep <- sum(sep)
    d <- d[!sep, ]
    x <- setdiff(x, "spike")
  }
  keep <- kept_rows(d, m$y, m$fe)
  d <- d[keep, ]
  rhs <- paste(c(x, if (length(m$fe)) paste0("factor(", m$fe, ")")), collapse = " + ")
  if (m$e != "") rhs <- paste0(rhs, " + offset(log(", m$e, "))")
  f <- as.formula(paste(m$y, "~", rhs))
  f0 <- as.formula(paste(m$y, "~ 1", if (m$e != "") paste0("+ offset(log(", m$e, "))") else ""))
  wts <- if (m$w == "") rep(1, nrow(d)) else d[[m$w]]
  d$.wts <- wts
  fit <- glm(f, family = poisson(), data = d, weights = .wts, control = ctrl)
  null <- glm(f0, family = poisson(), data = d, weights = .wts, control = ctrl)
  stopifnot(fit$converged)
  n <- nrow(d)
  bread_unscaled <- summary(fit)$cov.unscaled  # (X'WX)^-1
  for (v in m$vcov) {
    kind <- sub(":.*", "", v)
    cl <- if (kind == "cluster") strsplit(sub(".*:", "", v), "+", fixed = TRUE)[[1]] else character(0)
    k <- k_not_nested(d, x, m$fe, cl)
    if (kind == "iid") {
      V <- bread_unscaled * (n - 1) / (n - k)
    } else if (kind == "hc1") {
      V <- vcovHC(fit, type = "HC0") * n / (n - k)
    } else {
      G <- min(vapply(cl, function(g) length(unique(d[[g]])), 1L))
      V <- vcovCL(fit, cluster = as.formula(paste("~", paste(cl, collapse = " + "))),
                  type = "HC0", cadjust = FALSE, multi0 = FALSE) * G / (G - 1) * (n - 1) / (n - k)
    }
    V <- V[x, x, drop = FALSE]
    # an indefinite two-way matrix of the coefficients gets its negative eigenvalues set
    # to zero (Cameron, Gelbach and Miller 2011; fixest), on the coefficients' block only
    e <- eigen((V + t(V)) / 2, symmetric = TRUE)
    if (min(e$values) < 0) {
      V <- e$vectors %*% diag(pmax(e$values, 0), length(x)) %*% t(e$vectors)
      dimnames(V) <- list(x, x)
    }
    for (term in x) {
      rows[[length(rows) + 1]] <- data.frame(
        dataset = m$data, outcome = m$y, regressors = paste(m$x, collapse = "+"),
        fixed_effects = paste(m$fe, collapse = "+"), weights = m$w, exposure = m$e,
        vcov = kind, cluster = paste(cl, collapse = "+"), term = term,
        estimate = sprintf("%.15e", coef(fit)[[term]]),
        std_error = sprintf("%.15e", sqrt(V[term, term])),
        nobs = n, n_separated_regressors = n_sep,
        deviance = sprintf("%.15e", deviance(fit)),
        loglik = sprintf("%.15e", as.numeric(logLik(fit))),
        pseudo_rsquared = sprintf("%.15e", 1 - as.numeric(logLik(fit)) / as.numeric(logLik(null)))
      )
    }
  }
}
write.csv(do.call(rbind, rows), file.path(here, "reference_values.csv"), row.names = FALSE)
