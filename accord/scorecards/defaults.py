"""What a new template weighs, before its organisation changes it: common practice for
electronics buyers (on-time and quality first), and for EMS rating their customers (forecast
accuracy and stability first, then decision latency, changes after release and payment on
time: late payment strains the EMS's cash for the material it buys on the customer's behalf).
Metrics with weight 0 are shown on the card but not scored."""

from __future__ import annotations

from typing import Any

from accord.scorecards.choices import BandAction, Direction, Metric

SUPPLIER_METRICS: dict[str, dict[str, float]] = {
    Metric.ON_TIME: {"weight": 40, "target": 98, "floor": 80},
    Metric.DPPM: {"weight": 25, "target": 100, "floor": 2000},
    Metric.RESPONSE_SLA: {"weight": 15, "target": 95, "floor": 50},
    Metric.COST: {"weight": 10, "target": 0, "floor": 5},
    Metric.UNDER_MIN: {"weight": 10, "target": 0, "floor": 20},
    Metric.RESPONSE_MEDIAN: {"weight": 0, "target": 24, "floor": 120},
}
CUSTOMER_METRICS: dict[str, dict[str, float]] = {
    Metric.FORECAST_8W: {"weight": 30, "target": 95, "floor": 60},
    Metric.STABILITY: {"weight": 25, "target": 0, "floor": 30},
    Metric.CHANGES: {"weight": 15, "target": 0, "floor": 5},
    Metric.DECISION_HOURS: {"weight": 20, "target": 24, "floor": 240},
    Metric.FORECAST_4W: {"weight": 0, "target": 95, "floor": 60},
    Metric.FORECAST_12W: {"weight": 0, "target": 95, "floor": 60},
    Metric.PAYMENT: {"weight": 10, "target": 98, "floor": 80},
    # The customer's answers to questions in threads: shown, not weighed until the
    # organisation gives them a weight (decision latency weighs its decisions already).
    Metric.RESPONSE_SLA: {"weight": 0, "target": 95, "floor": 50},
    Metric.RESPONSE_MEDIAN: {"weight": 0, "target": 24, "floor": 120},
}
BANDS: list[dict[str, Any]] = [
    {"lower": 90, "grade": "A", "action": BandAction.NONE},
    {"lower": 75, "grade": "B", "action": BandAction.NONE},
    {"lower": 60, "grade": "C", "action": BandAction.WARN},
    {"lower": 0, "grade": "D", "action": BandAction.WARN},
]


def default_metrics(direction: str) -> dict[str, dict[str, float]]:
    chosen = SUPPLIER_METRICS if direction == Direction.SUPPLIERS else CUSTOMER_METRICS
    return {str(metric): dict(setting) for metric, setting in chosen.items()}


def default_bands() -> list[dict[str, Any]]:
    return [{**band, "action": str(band["action"])} for band in BANDS]
