"""The calibrations the conversion trainer can fit (``calibration_prefixes``): which prefixes
of each training call calibrate the probability. Apart from :mod:`ml.conversion` so that the
command line can list them without importing the trainers (LightGBM, scikit-learn)."""

from __future__ import annotations

from typing import Final

CALIBRATIONS: Final = ("last", "all", "progress", "evidence", "heads")
