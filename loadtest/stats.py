"""Percentiles for benchmark reports."""

from __future__ import annotations

from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100); None for no values."""
    if not values:
        return None
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    pos = (len(xs) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summary(values: Sequence[float], prefix: str = "") -> dict[str, float | None]:
    def r(v: float | None) -> float | None:
        return None if v is None else round(v, 3)

    return {
        f"{prefix}p50_ms": r(percentile(values, 50)),
        f"{prefix}p95_ms": r(percentile(values, 95)),
        f"{prefix}p99_ms": r(percentile(values, 99)),
        f"{prefix}max_ms": r(max(values) if values else None),
    }
