"""Scorecard pages: the parties one rates, ranked by grade with their last twelve months; the
cards others keep of one's own organisation; a card month by month with a trend chart per
metric; the rows behind any number; comments and corrective-action plans with their files;
the template, retired and reinstated; and the definitions of every metric."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import FORM_ERRORS, Forbidden
from accord.scorecards import customer_metrics, metrics, scoring
from accord.scorecards.access import (
    attachments_visible_to,
    comments_visible_to,
    get_attachment_for_user,
    get_card_template,
    get_saved_template_for_user,
    log_drill_read,
    templates_rating,
)
from accord.scorecards.attachments import file_response, read_upload
from accord.scorecards.cards import CardDetail, card_detail, cards_about_me, cards_as_rater
from accord.scorecards.charts import trend_points
from accord.scorecards.choices import Direction, Metric
from accord.scorecards.drill import drill
from accord.scorecards.forms import CommentForm, TemplateForm
from accord.scorecards.months import parse_month
from accord.scorecards.services import (
    comment_with_files,
    reinstate_template,
    retire_template,
    save_template,
    template_of,
)
from accord.web.pages import form_page
from accord.web.tables import export_table, person, requested_export


def _month(text: str) -> dt.date:
    month = parse_month(text)
    if month is None:
        raise Http404("No such month.")
    return month


def _direction(text: str) -> str:
    if text not in Direction.values:
        raise Http404("No such direction.")
    return text


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


@login_required
@require_GET
def scorecard_index(request: HttpRequest) -> HttpResponse:
    user = person(request)
    suppliers = cards_as_rater(user, Direction.SUPPLIERS)
    customers = cards_as_rater(user, Direction.CUSTOMERS)
    about_me = cards_about_me(user)
    fmt = requested_export(request)
    if fmt:
        headers = ["Kept by", "Of", "Direction", "Score (12 months)", "Grade", "Action"]
        rows = [
            [c.template.organisation.name, c.rated_name, c.template.direction, *c.graded]
            for c in [*suppliers, *customers, *about_me]
        ]
        return export_table(fmt, "scorecards", headers, rows)
    supplier_template = templates_rating(user, Direction.SUPPLIERS).first()
    customer_template = templates_rating(user, Direction.CUSTOMERS).first()
    return render(
        request,
        "scorecards/index.html",
        {
            "sections": [
                ("Your suppliers", Direction.SUPPLIERS, suppliers, supplier_template),
                ("Your customers", Direction.CUSTOMERS, customers, customer_template),
            ],
            "about_me": about_me,
            "is_admin": user.is_org_admin,
        },
    )


def _metric_rows(detail: CardDetail) -> list[dict[str, Any]]:
    rows = []
    for line in detail.metrics:
        values = [line.values.get(m) for m in detail.months]
        rows.append(
            {
                "metric": line.metric,
                "label": line.label,
                "weight": line.weight,
                "target": line.target,
                "floor": line.floor,
                "cells": [
                    (m, None if v is None else _number(v[2], 2), None if v is None else v[3])
                    for m, v in zip(detail.months, values, strict=True)
                ],
                "chart": trend_points([None if v is None else v[2] for v in values]),
            }
        )
    return rows


@login_required
@require_GET
def scorecard_card(request: HttpRequest, template_id: int, rated_id: int) -> HttpResponse:
    user = person(request)
    template = get_card_template(user, template_id, rated_id)
    detail = card_detail(user, template, rated_id)
    rows = _metric_rows(detail)
    fmt = requested_export(request)
    if fmt:
        headers = ["Metric", *[m.strftime("%Y-%m") for m in detail.months]]
        export = [[r["label"], *[value or "" for _m, value, _s in r["cells"]]] for r in rows]
        export.append(["Score", *[_number(detail.scores[m][0]) for m in detail.months]])
        export.append(["Grade", *[detail.scores[m][1] for m in detail.months]])
        return export_table(fmt, f"scorecard-{template_id}-{rated_id}", headers, export)
    comments = (
        comments_visible_to(user)
        .filter(template=template, rated_id=rated_id)
        .select_related("author", "organisation")
        .prefetch_related(Prefetch("attachments", queryset=attachments_visible_to(user)))
        .order_by("-month", "created_at")
    )
    return render(
        request,
        "scorecards/card.html",
        {
            "template": template,
            "rated_id": rated_id,
            "rated_name": detail.rated_name,
            "detail": detail,
            "rows": rows,
            "months": [
                (m, _number(detail.scores[m][0]), detail.scores[m][1], detail.scores[m][3])
                for m in detail.months
            ],
            "overall": _number(detail.overall),
            "comments": comments,
            "form": CommentForm(),
            "is_rated": user.organisation_id == rated_id,
        },
    )


@login_required
@require_GET
def scorecard_drill(
    request: HttpRequest, template_id: int, rated_id: int, month: str, metric: str
) -> HttpResponse:
    user = person(request)
    template = get_card_template(user, template_id, rated_id)
    when = _month(month)
    if metric not in Metric.values:
        raise Http404("No such metric.")
    found = drill(user, template, rated_id, when, metric)
    if found is None:
        raise Http404("This number has no rows behind it to show.")
    log_drill_read(
        user,
        template,
        rated_id,
        len(found.rows),
        model=found.model,
        channel="web",
        path=request.get_full_path(),
    )
    fmt = requested_export(request)
    if fmt:
        return export_table(fmt, f"scorecard-{metric}-{month}", found.headers, found.rows)
    return render(
        request,
        "scorecards/drill.html",
        {
            "template": template,
            "rated_id": rated_id,
            "month": when,
            "metric": Metric(metric),
            "drill": found,
        },
    )


@login_required
@require_POST
def scorecard_comment(request: HttpRequest, template_id: int, rated_id: int) -> HttpResponse:
    user = person(request)
    template = get_card_template(user, template_id, rated_id)
    form = CommentForm(request.POST, request.FILES)
    month = _month(request.POST.get("month", ""))
    if form.is_valid():
        try:
            comment_with_files(
                actor=user,
                template=template,
                rated_id=rated_id,
                month=month,
                text=form.cleaned_data["text"],
                corrective_action=form.cleaned_data["corrective_action"],
                files=[read_upload(f) for f in form.cleaned_data["attachments"]],
            )
        except FORM_ERRORS as error:
            messages.error(request, error.message)
        else:
            files = len(form.cleaned_data["attachments"])
            attached = f" with {files} file{'s' if files > 1 else ''}" if files else ""
            messages.success(request, f"Your comment on {month:%B %Y} is on the card{attached}.")
    else:
        messages.error(request, "Write the comment first.")
    return redirect("scorecard_card", template_id=template.pk, rated_id=rated_id)


@login_required
@require_GET
def scorecard_attachment(
    request: HttpRequest, template_id: int, rated_id: int, pk: int
) -> HttpResponseBase:
    """A file of a comment, for the people of the card's two sides (logged for the owner when
    the other side downloads it)."""
    attachment = get_attachment_for_user(
        person(request), pk, channel="web", path=request.path, card=(template_id, rated_id)
    )
    return file_response(attachment)


@login_required
@require_http_methods(["GET", "POST"])
def scorecard_template(request: HttpRequest, direction: str) -> HttpResponse:
    user = person(request)
    chosen = _direction(direction)
    if user.organisation is None:
        raise Http404()
    if request.method == "POST" and not user.is_org_admin:
        raise Forbidden("Only administrators change the scorecard template.")
    template = template_of(user.organisation, chosen)
    form = TemplateForm(request.POST or None, template=template)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = save_template(actor=user, template=template, **form.settings())
            except FORM_ERRORS as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    f"Saved version {saved.version}; every month is being computed again.",
                )
                return redirect("scorecard_template", direction=chosen)
        status = 422
    return render(
        request,
        "scorecards/template.html",
        {"template": template, "form": form, "is_admin": user.is_org_admin},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def scorecard_template_retire(request: HttpRequest, direction: str) -> HttpResponse:
    """GET asks to confirm; POST retires: the cards stay as history, nothing is computed and
    no grade blocks an order any more."""
    user = person(request)
    template = get_saved_template_for_user(user, _direction(direction), write=True)
    back = reverse("scorecard_template", args=[template.direction])
    if request.method == "POST":
        try:
            retire_template(actor=user, direction=template.direction)
        except FORM_ERRORS as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Retired the template of your {template.direction}.")
        return redirect(back)
    return form_page(
        request,
        form=None,
        title=f"Retire the scorecard template of your {template.direction}?",
        lede=(
            "Its cards stay, readable by your organisation and by each rated party, marked "
            "retired. No month is computed any more, and no grade blocks a purchase order. "
            "You can reinstate it later: every month is then computed again."
        ),
        action=reverse("scorecard_template_retire", args=[template.direction]),
        submit="Retire the template",
        danger=True,
        cancel_url=back,
        breadcrumbs=[("Scorecards", reverse("scorecard_index")), ("Template", back)],
    )


@login_required
@require_POST
def scorecard_template_reinstate(request: HttpRequest, direction: str) -> HttpResponse:
    user = person(request)
    template = get_saved_template_for_user(user, _direction(direction), write=True)
    try:
        reinstate_template(actor=user, direction=template.direction)
    except FORM_ERRORS as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Reinstated the template; every month is being computed again.")
    return redirect("scorecard_template", direction=template.direction)


@login_required
@require_GET
def scorecard_definitions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "scorecards/definitions.html",
        {
            "sections": [
                ("A supplier's card", metrics.__doc__ or ""),
                ("A customer's card", customer_metrics.__doc__ or ""),
                ("Scores, grades and the overall score", scoring.__doc__ or ""),
            ]
        },
    )
