r"""Absorb fixed effects: the within transformation of columns on integer-coded groups.

For fixed effects with indicator matrices :math:`D_1, \dots, D_m` and weights
:math:`W`, the within transformation of a column :math:`x` is its residual
from the weighted projection on :math:`D = [D_1 \cdots D_m]`. The effect with
the most levels (the firm, say) is eliminated exactly: its coefficients are
group means given the others. What is left are the normal equations of the
other effects :math:`D_r` (years, industry × year, ...), the Schur complement

.. math::

    S\gamma = b, \qquad S = D_r'WD_r - C' \operatorname{diag}(1/w_1)\, C, \qquad
    b = D_r'Wx - C' \operatorname{diag}(1/w_1)\, D_1'Wx,

with :math:`C = D_1'WD_r` and :math:`w_1` the weight of each level of
:math:`D_1`. :math:`S` is as small as the other effects (ten years: 10 × 10)
and is built once per sample and reused for every column:

* up to :data:`DENSE_LEVELS` levels it is solved directly (eigendecomposition,
  pseudo-inverse: :math:`S` is singular by one dimension per connected set of
  levels), so the result is exact to rounding and nothing iterates;
* above that (worker–firm-like designs with many levels on both sides) it is
  solved by conjugate gradients preconditioned by its diagonal, to a relative
  residual ``tol``, at a cost per iteration of the non-zeros of :math:`S`,
  not of the rows.

Then :math:`\alpha = \operatorname{diag}(1/w_1)(D_1'Wx - C\gamma)` and the
demeaned column is :math:`x - D_1\alpha - D_r\gamma`. Every pass over the rows
is a ``numpy.bincount`` or a gather, a handful per column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from models.reuse import digest, memory, remembered

#: Largest number of levels of the non-eliminated fixed effects solved directly.
DENSE_LEVELS = 2_000
#: Largest primary levels × (other levels)² for which :math:`C` is formed as a dense array
#: (and :math:`C'C` by a dense product).
DENSE_CROSS = 100_000_000
#: :math:`S` is formed explicitly when the products it takes (the sum over primary levels
#: of their other levels squared) are at most this many times the non-zeros of :math:`C`.
PRODUCT_BUDGET = 8
#: Eigenvalues of :math:`S` below this share of the largest are its null space.
NULL_EIGENVALUE = 1e-11


@dataclass(frozen=True)
class Demeaned:
    """Columns after absorbing the fixed effects.

    Attributes
    ----------
    values : ndarray
        The demeaned columns, float64, in the shape of the input ((n,) or (n, k)).
    iterations : int
        Conjugate-gradient iterations (0 for a direct solve).
    converged : bool
        Whether every column reached the tolerance (always true for a direct solve).
    method : str
        ``"exact"`` (one fixed effect), ``"direct"`` or ``"cg"``.
    """

    values: np.ndarray
    iterations: int
    converged: bool
    method: str = "direct"


class Absorber:
    """The fixed effects of one sample, prepared once, to demean any number of columns.

    Parameters
    ----------
    codes : sequence of ndarray
        One integer array per fixed effect with codes ``0..G-1``.
    weights : ndarray, optional
        Positive observation weights.
    tol : float
        Relative residual norm at which conjugate gradients stop.
    max_iter : int
        Most conjugate-gradient iterations.
    method : {"auto", "direct", "cg"}
        How the reduced normal equations are solved; ``"auto"`` solves them
        directly up to :data:`DENSE_LEVELS` levels when :math:`S` is cheap to
        form, else by conjugate gradients.

    Examples
    --------
    >>> firm, year = np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 0, 1, 0, 1])
    >>> x = np.array([1.0, 2.0, 3.0, 5.0, 0.0, 0.0])
    >>> (Absorber([firm, year]).demean(x).values.round(12) + 0.0).tolist()
    [0.0, 0.0, -0.5, 0.5, 0.5, -0.5]
    """

    def __init__(
        self,
        codes: Sequence[np.ndarray],
        weights: np.ndarray | None = None,
        *,
        tol: float = 1e-10,
        max_iter: int = 10_000,
        method: str = "auto",
    ) -> None:
        if method not in ("auto", "direct", "cg"):
            raise ValueError(f"unknown method '{method}' (choose auto, direct or cg)")
        if not len(codes):
            raise ValueError("give at least one fixed effect")
        self.tol, self.max_iter = tol, max_iter
        self.weights = None if weights is None else np.asarray(weights, dtype=float)
        codes = [np.asarray(c, dtype=np.intp) for c in codes]
        self.n = len(codes[0])
        levels = [int(c.max()) + 1 if self.n else 0 for c in codes]
        order = sorted(range(len(codes)), key=lambda j: -levels[j])
        self.primary = codes[order[0]]
        self.n_primary = levels[order[0]]
        self.inv_w1 = _inverse(self._group_sum(self.primary, self.n_primary, None))
        self.rest = [codes[j] for j in order[1:]]
        self.rest_levels = [levels[j] for j in order[1:]]
        self.n_rest = sum(self.rest_levels)
        self.method = "exact" if not self.rest else method
        if self.rest:
            self._prepare_rest()

    def demean(self, columns: np.ndarray) -> Demeaned:
        """Demean ``columns`` ((n,) or (n, k)) with respect to every fixed effect."""
        x = np.asarray(columns, dtype=float)
        flat = x.ndim == 1
        x2: np.ndarray = x[:, None] if flat else x
        out: np.ndarray = np.empty(x2.shape, order="F")
        for j in range(x2.shape[1]):
            out[:, j] = self._within_primary(np.ascontiguousarray(x2[:, j]))
        iterations, converged = 0, True
        if self.rest:
            rhs = np.column_stack([self._rest_sums(out[:, j]) for j in range(out.shape[1])])
            if self.method == "direct":
                gamma = self.pseudo_inverse @ rhs
            else:
                gamma, iterations, converged = self._conjugate_gradients(rhs)
            for j in range(out.shape[1]):
                out[:, j] -= self._within_primary(self._rest_values(gamma[:, j]))
        values = out[:, 0] if flat else out
        return Demeaned(values, iterations, converged, self.method)

    def _within_primary(self, values: np.ndarray) -> np.ndarray:
        """``values`` less their (weighted) mean within each level of the primary effect."""
        means = self._group_sum(self.primary, self.n_primary, values) * self.inv_w1
        return values - means[self.primary]

    def _rest_sums(self, values: np.ndarray) -> np.ndarray:
        """:math:`D_r'W` ``values``: sums within each level of the other effects, stacked."""
        return np.concatenate([self._group_sum(code, size, values) for code, size in zip(self.rest, self.rest_levels)])

    def _rest_values(self, gamma: np.ndarray) -> np.ndarray:
        """:math:`D_r\\gamma`: the other effects' coefficients summed on each row."""
        total = np.zeros(self.n)
        start = 0
        for code, size in zip(self.rest, self.rest_levels):
            total += gamma[start:start + size][code]
            start += size
        return total

    def _group_sum(self, code: np.ndarray, size: int, values: np.ndarray | None) -> np.ndarray:
        if values is None:
            values = self.weights
        elif self.weights is not None:
            values = values * self.weights
        return np.bincount(code, weights=values, minlength=size).astype(float)

    def _prepare_rest(self) -> None:
        """Form :math:`S` (factored for a direct solve) or the operator that applies it."""
        offsets = np.cumsum([0, *self.rest_levels[:-1]])
        w = np.ones(self.n) if self.weights is None else self.weights
        own = self._own_block(offsets, w)
        if self.n_primary * self.n_rest**2 <= DENSE_CROSS and self.method != "cg":
            cross = np.concatenate([
                np.bincount(self.primary * self.n_rest + code + offset, weights=w,
                            minlength=self.n_primary * self.n_rest)
                for code, offset in zip(self.rest, offsets)
            ]).reshape(len(self.rest), self.n_primary, self.n_rest).sum(axis=0)
            scaled = cross * np.sqrt(self.inv_w1)[:, None]
            self.method = "direct" if self.n_rest <= DENSE_LEVELS else "cg"
            schur = own.toarray() - scaled.T @ scaled
            if self.method == "direct":
                self.pseudo_inverse = _pseudo_inverse(schur)
            else:
                self._use_matrix(sparse.csr_matrix(schur))
            return
        rest_all = np.concatenate([code + offset for code, offset in zip(self.rest, offsets)])
        cross = sparse.csr_matrix(
            (np.tile(w, len(self.rest)), (np.tile(self.primary, len(self.rest)), rest_all)),
            shape=(self.n_primary, self.n_rest),
        )
        cheap = float((np.diff(cross.indptr).astype(float) ** 2).sum()) <= PRODUCT_BUDGET * cross.nnz
        if self.method == "auto":
            self.method = "direct" if cheap and self.n_rest <= DENSE_LEVELS else "cg"
        if self.method == "direct" or cheap:
            scaled = sparse.diags(np.sqrt(self.inv_w1)) @ cross
            schur = own - (scaled.T @ scaled)
            if self.method == "direct":
                self.pseudo_inverse = _pseudo_inverse(schur.toarray())
            else:
                self._use_matrix(schur.tocsr())
            return
        cross_t = cross.T.tocsr()
        inv_w1 = self.inv_w1[:, None]
        self._apply = lambda v: own @ v - cross_t @ (inv_w1 * (cross @ v))
        self.inv_diagonal = _inverse(own.diagonal() - cross_t.multiply(cross_t).sum(axis=1).A1 * 0
                                     - (cross.multiply(cross).T @ self.inv_w1))

    def _own_block(self, offsets: np.ndarray, w: np.ndarray) -> sparse.csr_matrix:
        """:math:`D_r'WD_r`, the cross-tabulations of the other effects among themselves."""
        if len(self.rest) == 1:
            return sparse.diags(self._group_sum(self.rest[0], self.n_rest, None)).tocsr()
        size = self.n_rest
        if size * size <= DENSE_CROSS:
            table = np.zeros(size * size)
            for code_a, off_a in zip(self.rest, offsets):
                for code_b, off_b in zip(self.rest, offsets):
                    table += np.bincount((code_a + off_a) * size + code_b + off_b, weights=w, minlength=size * size)
            return sparse.csr_matrix(table.reshape(size, size))
        rows = np.concatenate([np.tile(code + offset, len(self.rest)) for code, offset in zip(self.rest, offsets)])
        cols = np.tile(np.concatenate([code + offset for code, offset in zip(self.rest, offsets)]), len(self.rest))
        return sparse.csr_matrix((np.tile(w, len(self.rest) ** 2), (rows, cols)), shape=(size, size))

    def _use_matrix(self, schur: sparse.csr_matrix) -> None:
        self._apply = lambda v: schur @ v
        self.inv_diagonal = _inverse(schur.diagonal())

    def _conjugate_gradients(self, rhs: np.ndarray) -> tuple[np.ndarray, int, bool]:
        """Solve :math:`S\\gamma = b` for every column of ``b`` by Jacobi-preconditioned CG."""
        gamma = np.zeros_like(rhs)
        resid = rhs.copy()
        target = self.tol * np.linalg.norm(rhs, axis=0)
        active = np.linalg.norm(resid, axis=0) > target
        direction = resid * self.inv_diagonal[:, None]
        rz = np.einsum("ij,ij->j", resid, direction)
        iterations = 0
        while active.any() and iterations < self.max_iter:
            iterations += 1
            cols = np.flatnonzero(active)
            product = self._apply(direction[:, cols])
            curvature = np.einsum("ij,ij->j", direction[:, cols], product)
            step = np.divide(rz[cols], curvature, out=np.zeros(len(cols)), where=curvature > 0)
            gamma[:, cols] += step * direction[:, cols]
            resid[:, cols] -= step * product
            active[cols] = (np.linalg.norm(resid[:, cols], axis=0) > target[cols]) & (curvature > 0)
            z = resid[:, cols] * self.inv_diagonal[:, None]
            rz_new = np.einsum("ij,ij->j", resid[:, cols], z)
            beta = np.divide(rz_new, rz[cols], out=np.zeros(len(cols)), where=rz[cols] > 0)
            direction[:, cols] = z + beta * direction[:, cols]
            rz[cols] = rz_new
        converged = bool((np.linalg.norm(resid, axis=0) <= target).all())
        return gamma, iterations, converged


def demean(
    columns: np.ndarray,
    codes: Sequence[np.ndarray],
    weights: np.ndarray | None = None,
    *,
    tol: float = 1e-10,
    max_iter: int = 10_000,
) -> Demeaned:
    """Demean ``columns`` with respect to every fixed effect in ``codes`` (weighted if given).

    Parameters
    ----------
    columns : ndarray, shape (n,) or (n, k)
        Columns to demean.
    codes : sequence of ndarray
        One integer array per fixed effect with codes ``0..G-1``.
    weights : ndarray, optional
        Positive weights; the projection is then weighted.
    tol, max_iter : float, int
        Tolerance and iteration cap of the iterative solver (large designs only).

    Returns
    -------
    Demeaned
        Values in the shape of ``columns``. To demean several sets of columns
        on the same fixed effects, build one :class:`Absorber` and reuse it.

    Examples
    --------
    >>> demean(np.array([1.0, 3.0, 2.0, 6.0]), [np.array([0, 0, 1, 1])]).values.tolist()
    [-1.0, 1.0, -2.0, 2.0]
    """
    return Absorber(codes, weights, tol=tol, max_iter=max_iter).demean(columns)


def _inverse(values: np.ndarray) -> np.ndarray:
    """``1 / values``, with 0 where a value is 0 (levels without rows)."""
    return np.divide(1.0, values, out=np.zeros(len(values)), where=values > 0)


def _pseudo_inverse(matrix: np.ndarray) -> np.ndarray:
    """Moore–Penrose inverse of a symmetric positive semi-definite matrix."""
    values, vectors = np.linalg.eigh(matrix)
    cutoff = NULL_EIGENVALUE * max(float(values.max()), np.finfo(float).tiny)
    inverse = np.divide(1.0, values, out=np.zeros(len(values)), where=values > cutoff)
    return (vectors * inverse) @ vectors.T


def absorber_for(codes: Sequence[np.ndarray], weights: np.ndarray | None = None) -> Absorber:
    """An :class:`Absorber` for ``codes`` and ``weights``, shared inside :func:`models.reuse.reuse_demeaning`.

    Examples
    --------
    >>> from models.reuse import reuse_demeaning
    >>> codes, x = [np.array([0, 0, 1, 1])], np.array([[1.0], [3.0], [2.0], [6.0]])
    >>> with reuse_demeaning():
    ...     first = absorber_for(codes)
    ...     values = demeaned_columns(codes, None, x).values[:, 0].tolist()
    ...     same = absorber_for([np.array([0, 0, 1, 1])]) is first
    >>> values, same
    ([-1.0, 1.0, -2.0, 2.0], True)
    """
    return _shared_absorber(codes, weights)[0]


def _shared_absorber(codes: Sequence[np.ndarray], weights: np.ndarray | None) -> tuple[Absorber, bytes]:
    """The absorber of :func:`absorber_for` and its key (empty outside a reuse block)."""
    if memory() is None:
        return Absorber(codes, weights), b""
    key = digest(*codes, *([] if weights is None else [weights]), str(len(codes)).encode())
    return remembered(("absorber", key), lambda: Absorber(codes, weights)), key


def demeaned_columns(
    codes: Sequence[np.ndarray], weights: np.ndarray | None, columns: np.ndarray, *, remember: bool = True
) -> Demeaned:
    """The columns of ``columns`` ((n, k)) demeaned on ``codes`` (weighted).

    Inside :func:`models.reuse.reuse_demeaning` only the columns not demeaned
    before on the same fixed effects and weights are demeaned; the others are
    taken as they were. ``remember=False`` neither looks up nor keeps the
    columns (for one-off columns such as placebo draws); the preparation is
    still shared.
    """
    absorber, owner = _shared_absorber(codes, weights)
    kept = memory()
    if kept is None or not remember:
        return absorber.demean(columns)
    keys = [("demeaned", owner, digest(np.ascontiguousarray(columns[:, j], dtype=float)))
            for j in range(columns.shape[1])]
    missing = [j for j, key in enumerate(keys) if key not in kept]
    if missing:
        fresh = absorber.demean(columns[:, missing])
        for position, j in enumerate(missing):
            kept[keys[j]] = Demeaned(fresh.values[:, position], fresh.iterations, fresh.converged, fresh.method)
    parts: list[Demeaned] = [kept[key] for key in keys]
    values = np.empty(columns.shape, order="F")
    for j, part in enumerate(parts):
        values[:, j] = part.values
    return Demeaned(values, max((p.iterations for p in parts), default=0), all(p.converged for p in parts),
                    absorber.method)
