"""Strict JSON text: what ``--format json`` prints, readable by any JSON parser.

Python's :func:`json.dumps` writes ``NaN`` and ``Infinity``, which are not
JSON; here every non-finite number becomes ``null``, NumPy scalars become
plain numbers, and any other object its string.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np


def strict_json(data: Any, *, indent: int | None = None) -> str:
    """``data`` as JSON text with ``null`` for NaN and infinities.

    Examples
    --------
    >>> strict_json({"beta": float("nan"), "se": np.float64(0.5), "n": [1, float("inf")]})
    '{"beta": null, "se": 0.5, "n": [1, null]}'
    """
    return json.dumps(_finite(data), ensure_ascii=False, indent=indent, allow_nan=False, default=str)


def _finite(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    if isinstance(value, np.ndarray):
        return _finite(value.tolist())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value
