"""Small server-drawn SVG charts of the scorecard pages (no script): a metric's trend."""

from __future__ import annotations

from dataclasses import dataclass

TREND_W, TREND_H, PAD = 240, 60, 6


@dataclass(frozen=True)
class Trend:
    width: int
    height: int
    points: str  # the polyline
    dots: list[tuple[float, float, float]]  # x, y, value
    low: float
    high: float


def trend_points(values: list[float | None]) -> Trend | None:
    """The months' values as a line scaled between their own lowest and highest; months
    without data leave a gap in the dots (the line joins the months that have data)."""
    known = [v for v in values if v is not None]
    if not known:
        return None
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = (TREND_W - 2 * PAD) / max(len(values) - 1, 1)
    dots = [
        (PAD + i * step, PAD + (high - v) / span * (TREND_H - 2 * PAD), v)
        for i, v in enumerate(values)
        if v is not None
    ]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in dots)
    return Trend(TREND_W, TREND_H, points, dots, low, high)
