"""Inference beyond the analytic covariance: wild cluster bootstrap and randomization inference."""

from models.inference.randomization import RandomizationResult, randomization_inference
from models.inference.wild_bootstrap import WildBootstrapResult, wild_cluster_bootstrap

__all__ = ["RandomizationResult", "WildBootstrapResult", "randomization_inference", "wild_cluster_bootstrap"]
