"""Reading stored cards for the pages, the API and the command: the ranked list with each
party's last twelve months, and one card month by month with every metric. Rows come only
through access.py; a rated party reads its own cards and nothing of anyone else's."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from accord.scorecards.access import (
    card_months_visible_to,
    metric_months_visible_to,
    templates_rating,
    templates_rating_me,
)
from accord.scorecards.choices import Metric
from accord.scorecards.models import ScorecardTemplate
from accord.scorecards.scoring import OVERALL_MONTHS, grade_of
from accord.scorecards.services import bands_of, settings_of

SPARK_W, SPARK_H = 96, 24


@dataclass
class CardSummary:
    template: ScorecardTemplate
    rated_id: int
    rated_name: str
    score: float | None
    grade: str
    action: str
    months: list[tuple[dt.date, float | None]]  # the last twelve, oldest first

    @property
    def retired(self) -> bool:
        """The card of a retired template: history, computed no more."""
        return self.template.is_retired

    @property
    def graded(self) -> list[Any]:
        """Score (rounded), grade and action, for exports."""
        return [None if self.score is None else round(self.score, 1), self.grade, self.action]

    @property
    def sparkline(self) -> str:
        """SVG polyline points of the monthly scores (0 at the bottom, 100 at the top)."""
        scored = [(i, s) for i, (_m, s) in enumerate(self.months) if s is not None]
        step = SPARK_W / max(len(self.months) - 1, 1)
        return " ".join(f"{i * step:.1f},{SPARK_H - s / 100 * SPARK_H:.1f}" for i, s in scored)


def _summaries(user: Any, templates: list[ScorecardTemplate]) -> list[CardSummary]:
    by_key: dict[tuple[int, int], list[tuple[dt.date, float | None]]] = defaultdict(list)
    names: dict[int, str] = {}
    rows = (
        card_months_visible_to(user)
        .filter(template__in=templates)
        .order_by("template_id", "rated_id", "-month")
        .values_list("template_id", "rated_id", "rated__name", "month", "score")
    )
    for template_id, rated_id, rated_name, month, score in rows:
        names[rated_id] = rated_name
        months = by_key[(template_id, rated_id)]
        if len(months) < OVERALL_MONTHS:
            months.append((month, score))
    by_template = {t.pk: t for t in templates}
    out = []
    for (template_id, rated_id), months in by_key.items():
        template = by_template[template_id]
        scores = [s for _m, s in months if s is not None]
        overall = sum(scores) / len(scores) if scores else None
        band = grade_of(overall, bands_of(template))
        out.append(
            CardSummary(
                template=template,
                rated_id=rated_id,
                rated_name=names[rated_id],
                score=overall,
                grade=band.grade if band else "",
                # A retired template's grade is history: its band's action no longer applies.
                action=band.action if band and not template.is_retired else "",
                months=list(reversed(months)),
            )
        )
    return sorted(out, key=lambda c: (c.score is None, -(c.score or 0), c.rated_name))


def cards_as_rater(user: Any, direction: str) -> list[CardSummary]:
    """The person's organisation's cards of its suppliers (or customers), best first."""
    templates = list(templates_rating(user, direction).select_related("organisation"))
    return _summaries(user, templates) if templates else []


def cards_about_me(user: Any) -> list[CardSummary]:
    """The cards other organisations keep of the person's own organisation."""
    templates = list(templates_rating_me(user).select_related("organisation"))
    return _summaries(user, templates)


@dataclass
class MetricLine:
    metric: str
    label: str
    weight: float
    target: float
    floor: float
    values: dict[dt.date, tuple[float, float, float, float | None]] = field(default_factory=dict)


@dataclass
class CardDetail:
    template: ScorecardTemplate
    rated_id: int
    rated_name: str
    months: list[dt.date]
    scores: dict[dt.date, tuple[float | None, str, str, bool]]
    metrics: list[MetricLine]
    overall: float | None
    grade: str


def card_detail(
    user: Any, template: ScorecardTemplate, rated_id: int, *, months: int = 24
) -> CardDetail:
    cards = list(
        card_months_visible_to(user)
        .filter(template=template, rated_id=rated_id)
        .order_by("-month")
        .values_list("month", "score", "grade", "action", "closed", "rated__name")[:months]
    )
    shown = sorted(row[0] for row in cards)
    settings = settings_of(template)
    labels = dict(Metric.choices)
    lines = {
        metric: MetricLine(metric, labels.get(metric, metric), s.weight, s.target, s.floor)
        for metric, s in settings.items()
    }
    if shown:
        for metric, month, numerator, denominator, value, score in (
            metric_months_visible_to(user)
            .filter(template=template, rated_id=rated_id, month__gte=shown[0])
            .values_list("metric", "month", "numerator", "denominator", "value", "score")
        ):
            if metric in lines:
                lines[metric].values[month] = (numerator, denominator, value, score)
    scored = [row[1] for row in cards[:OVERALL_MONTHS] if row[1] is not None]
    overall = sum(scored) / len(scored) if scored else None
    band = grade_of(overall, bands_of(template))
    return CardDetail(
        template=template,
        rated_id=rated_id,
        rated_name=cards[0][5] if cards else "",
        months=shown,
        scores={row[0]: (row[1], row[2], row[3], row[4]) for row in cards},
        metrics=sorted(lines.values(), key=lambda line: (-line.weight, line.label)),
        overall=overall,
        grade=band.grade if band else "",
    )
