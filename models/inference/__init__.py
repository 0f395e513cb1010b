"""Inference beyond the analytic covariance: wild cluster bootstrap and randomization inference."""

from models.inference.wild_bootstrap import WildBootstrapResult, wild_cluster_bootstrap

__all__ = ["WildBootstrapResult", "wild_cluster_bootstrap"]
