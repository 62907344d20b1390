"""A part's supply timeline as an SVG chart, drawn on the server (no script, no CDN): bars for
receipts (up) and requirements (down) per week, the projected balance as a line, the safety
stock as a dashed line, zero as the axis."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 720, 240, 28


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    week: int
    value: float


@dataclass(frozen=True)
class TimelineChart:
    width: int
    height: int
    zero_y: float
    safety_y: float | None
    receipts: list[Bar]
    requirements: list[Bar]
    balance_points: str
    short_weeks: list[Bar]  # markers under the weeks whose balance is below zero


def timeline_chart(
    gross: list[float], receipts: list[float], projected: list[float], safety: float
) -> TimelineChart:
    weeks = len(projected)
    values = [0.0, *projected, *receipts, *(-g for g in gross), safety]
    top, bottom = max(values), min(values)
    span = (top - bottom) or 1.0
    inner_h = HEIGHT - 2 * PAD
    step = (WIDTH - 2 * PAD) / max(weeks, 1)

    def y(value: float) -> float:
        return PAD + (top - value) / span * inner_h

    zero = y(0.0)
    bar_w = max(step * 0.35, 1.0)
    rec = [
        Bar(PAD + i * step + step * 0.1, y(v), bar_w, zero - y(v), i, v)
        for i, v in enumerate(receipts)
        if v > 0
    ]
    req = [
        Bar(PAD + i * step + step * 0.5, zero, bar_w, y(-v) - zero, i, v)
        for i, v in enumerate(gross)
        if v > 0
    ]
    points = " ".join(f"{PAD + (i + 0.5) * step:.1f},{y(v):.1f}" for i, v in enumerate(projected))
    short = [
        Bar(PAD + i * step, HEIGHT - PAD + 4, step, 6, i, v)
        for i, v in enumerate(projected)
        if v < 0
    ]
    return TimelineChart(
        WIDTH, HEIGHT, zero, y(safety) if safety > 0 else None, rec, req, points, short
    )
