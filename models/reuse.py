"""One preparation per sample: inside a block, what was computed for the same arrays is not computed again.

A study fits many models on one sample and one set of fixed effects: every
outcome, regressor set, event-study and placebo draw.  Inside
:func:`reuse_demeaning` the estimators keep what depends only on the sample —
the estimation rows and integer codes (:func:`models.design.build_design`),
the degrees of freedom of the fixed effects, the prepared absorber and every
column already demeaned (:mod:`models.absorb`) — under keys that are digests
of the arrays' contents (:func:`digest`), so that a different sample, or a
column changed in place, never meets another's values.  Everything is
released when the outermost block ends (an inner block joins the outer one).

Examples
--------
>>> with reuse_demeaning():
...     first = remembered(("square", digest(np.arange(3))), lambda: np.arange(3) ** 2)
...     again = remembered(("square", digest(np.arange(3))), lambda: None)
>>> again is first, remembered("outside", lambda: 7)
(True, 7)
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import numpy as np
import xxhash

T = TypeVar("T")

_MEMORY: ContextVar[dict[Hashable, Any] | None] = ContextVar("chokepoint_reuse", default=None)


@contextmanager
def reuse_demeaning() -> Iterator[None]:
    """Within this block, one preparation serves every model on the same sample, fixed effects and weights."""
    if _MEMORY.get() is not None:
        yield
        return
    token = _MEMORY.set({})
    try:
        yield
    finally:
        _MEMORY.reset(token)


def memory() -> dict[Hashable, Any] | None:
    """The values kept in the current :func:`reuse_demeaning` block by key (None outside one)."""
    return _MEMORY.get()


def remembered(key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, computed once per ``key`` inside :func:`reuse_demeaning` (every time outside it)."""
    kept = _MEMORY.get()
    if kept is None:
        return make()
    if key not in kept:
        kept[key] = make()
    return kept[key]


def digest(*parts: np.ndarray | bytes) -> bytes:
    """A 128-bit digest (xxh3) of arrays' contents, dtypes and shapes, and of byte strings.

    Arrays of Python objects have no contents to read as bytes: give their
    values' digests instead (``pandas.util.hash_array``).

    Examples
    --------
    >>> digest(np.array([1, 2])) == digest(np.array([1, 2])), digest(np.array([1, 2])) == digest(np.array([1.0, 2.0]))
    (True, False)
    """
    hasher = xxhash.xxh3_128()
    for part in parts:
        if isinstance(part, np.ndarray):
            hasher.update(f"{part.dtype.str}{part.shape}".encode())
            hasher.update(np.ascontiguousarray(part).view(np.uint8).data)
        else:
            hasher.update(str(len(part)).encode() + b":")
            hasher.update(part)
    return hasher.digest()
