"""Pages of shared forecasts: the buyer shares, from its board, what its plan needs of one
supplier's parts; the supplier reads its forecasts (and nothing of the schedule behind them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accord.core.access import get_or_404
from accord.core.errors import FORM_ERRORS
from accord.orgs.models import Organisation
from accord.planning.access import (
    forecast_shares_visible_to,
    get_forecast_share_for_user,
    get_program_for_planning,
    seller_partners_of,
)
from accord.planning.queries import exact
from accord.planning.services import share_forecast
from accord.web.tables import export_table, person, requested_export


def seller_partners(user: Any, program: Any) -> list[Organisation]:
    return list(seller_partners_of(user, program))


@login_required
@require_POST
def forecast_share(request: HttpRequest, program_id: int) -> HttpResponse:
    user = person(request)
    program = get_program_for_planning(user, program_id)
    try:
        chosen = int(request.POST.get("supplier", ""))
    except ValueError:
        chosen = 0
    supplier = next((o for o in seller_partners(user, program) if o.pk == chosen), None)
    if supplier is None:
        messages.error(request, "Choose a supplier or distributor of the program.")
        return redirect("shortage_board", program_id=program.pk)
    try:
        share = share_forecast(
            actor=user, program=program, supplier=supplier, note=request.POST.get("note", "")[:300]
        )
    except FORM_ERRORS as error:
        messages.error(request, error.message)
        return redirect("shortage_board", program_id=program.pk)
    messages.success(
        request, f"Shared the forecast of {share.lines.count()} parts with {supplier}."
    )
    return redirect("forecast_detail", pk=share.pk)


@login_required
@require_GET
def forecast_list(request: HttpRequest) -> HttpResponse:
    shares = forecast_shares_visible_to(person(request)).select_related(
        "program", "buyer", "supplier", "shared_by"
    )
    return render(request, "planning/forecast_list.html", {"shares": shares})


@login_required
@require_GET
def forecast_detail(request: HttpRequest, pk: int) -> HttpResponse:
    share = get_forecast_share_for_user(person(request), pk)
    weeks = [share.week_start + dt.timedelta(weeks=w) for w in range(share.horizon)]
    lines = list(share.lines.select_related("part"))
    fmt = requested_export(request)
    if fmt:
        headers = ["Part", "Description", "MPNs", *[f"Week of {d.isoformat()}" for d in weeks]]
        return export_table(
            fmt,
            f"forecast-{share.pk}",
            headers,
            (
                [
                    line.part.number,
                    line.part.description,
                    line.mpns,
                    *[exact(q) for q in line.quantities],
                ]
                for line in lines
            ),
        )
    rows = [(line, [exact(q) for q in line.quantities]) for line in lines]
    return render(
        request, "planning/forecast_detail.html", {"share": share, "weeks": weeks, "rows": rows}
    )


__all__ = ["forecast_detail", "forecast_list", "forecast_share", "get_or_404"]
