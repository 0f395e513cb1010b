"""pyfixest's estimate and clustered SE of a model with firm, year and industry×year effects.

The data are made by :func:`tests.test_models_dof.three_fe_panel` (seeded), so
this script and the test read the same numbers. Run from the repository root
(pyfixest is a bench dependency)::

    python tests/reference/three_fe/make_reference.py > tests/reference/three_fe/pyfixest.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def main() -> None:
    """Print the reference as JSON."""
    import pyfixest

    sys.path.insert(0, str(ROOT))
    from tests.test_models_dof import three_fe_panel

    frame = three_fe_panel()
    model = pyfixest.feols("y ~ x | firm + year + industry_year", data=frame, vcov={"CRV1": "firm"})
    print(json.dumps({
        "pyfixest": pyfixest.__version__,
        "estimate": float(model.coef()["x"]),
        "std_error": float(model.se()["x"]),
        "nobs": int(model._N),
        "fixef_sizes": {name: int(frame[name].nunique()) for name in ("firm", "year", "industry_year")},
    }, indent=2))


if __name__ == "__main__":
    main()
