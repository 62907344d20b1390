"""The inputs of a customer's card, read from the rating organisation's records of the
programs it works on for others (their build schedules with every version, their BOM
revisions, the proposals it made and their answers, the questions it asked them in threads),
of the forecasts its customers shared with it and of the orders they sent it, and the metric
values computed from them (customer_metrics.py, whose docstring says which customer is rated
from which records), and of the invoices it issued to them (payment on time)."""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db.models import FloatField
from django.db.models.functions import Cast

from accord.agreements.access import invoices_issued_by
from accord.core.db import frame_of_query
from accord.orgs.access import programs_served_by
from accord.orgs.choices import OrganisationKind
from accord.parts.access import boms_of_programs, sources_proposed_by
from accord.parts.choices import BomStatus
from accord.planning.access import forecast_lines_shared_with, forecasts_shared_with
from accord.scorecards.choices import Metric
from accord.scorecards.customer_metrics import (
    forecast_accuracy,
    forecast_share_stability,
    forecast_stability,
    ordered_against_forecast,
    payment_on_time,
    revisions_after_release,
)
from accord.scorecards.metrics import responsiveness
from accord.scorecards.models import ScorecardTemplate
from accord.scorecards.queries import frame_of, tagged, thread_requests_of
from accord.supply.access import build_versions_of, order_lines_received_by
from accord.supply.choices import BuildStatus

LAGS = ((Metric.FORECAST_4W, 4), (Metric.FORECAST_8W, 8), (Metric.FORECAST_12W, 12))


def _versions(program_ids: list[int]) -> pl.DataFrame:
    rows = build_versions_of(program_ids).values_list(
        "build_id",
        "build__program__owner_id",
        "version",
        "quantity",
        "due_date",
        "status",
        "changed_at",
        "changed_by__organisation_id",
    )
    frame = frame_of(
        rows,
        {
            "build_id": pl.Int64,
            "rated_id": pl.Int64,
            "version": pl.Int64,
            "quantity": pl.Float64,
            "due": pl.Date,
            "status": pl.String,
            "changed_at": pl.Datetime("us", "UTC"),
            "changer_id": pl.Int64,
        },
    )
    return frame.with_columns(
        (pl.col("status") == BuildStatus.RETIRED).alias("retired"),
        (pl.col("changer_id") == pl.col("rated_id")).fill_null(False).alias("changed_by_customer"),
        pl.col("changed_at").dt.replace_time_zone(None),
    )


def _boms(program_ids: list[int]) -> pl.DataFrame:
    rows = boms_of_programs(program_ids).values_list(
        "program__owner_id", "program_id", "assembly_id", "created_at", "status"
    )
    frame = frame_of(
        rows,
        {
            "rated_id": pl.Int64,
            "program_id": pl.Int64,
            "assembly_id": pl.Int64,
            "created_at": pl.Datetime("us", "UTC"),
            "status": pl.String,
        },
    )
    return frame.with_columns(
        pl.col("status").is_in([BomStatus.RELEASED, BomStatus.OBSOLETE]).alias("released"),
        pl.col("created_at").dt.replace_time_zone(None),
    )


def _proposals(template: ScorecardTemplate, customer_ids: list[int]) -> pl.DataFrame:
    rows = (
        sources_proposed_by(template.organisation_id)
        .filter(part__owner_id__in=customer_ids)
        .values_list("part__owner_id", "proposed_at", "decided_at")
    )
    return frame_of(
        rows,
        {
            "rated_id": pl.Int64,
            "asked_at": pl.Datetime("us", "UTC"),
            "answered_at": pl.Datetime("us", "UTC"),
        },
    )


def forecasts_of(rater_id: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The forecasts shared with the rater (shares) and their lines, weekly quantities as
    lists, parsed in bulk from their JSON."""
    shares = frame_of_query(
        forecasts_shared_with(rater_id)
        .order_by()
        .values_list("pk", "buyer_id", "program_id", "shared_at", "week_start", "horizon"),
        {
            "share_id": pl.Int64,
            "rated_id": pl.Int64,
            "program_id": pl.Int64,
            "shared_at": pl.Datetime("us", "UTC"),
            "week_start": pl.Date,
            "horizon": pl.Int64,
        },
    ).with_columns(pl.col("shared_at").dt.replace_time_zone(None))
    lines = frame_of_query(
        forecast_lines_shared_with(rater_id)
        .order_by()
        .values_list("share_id", "part_id", "quantities"),
        {"share_id": pl.Int64, "part_id": pl.Int64, "quantities": pl.String},
    ).with_columns(pl.col("quantities").str.json_decode(pl.List(pl.Float64)))
    return shares, lines


def orders_received(rater_id: int) -> pl.DataFrame:
    return frame_of_query(
        order_lines_received_by(rater_id)
        .order_by()
        .values_list(
            "order__buyer_id",
            "order__program_id",
            "part_id",
            "requested_date",
            Cast("quantity", FloatField()),
        ),
        {
            "rated_id": pl.Int64,
            "program_id": pl.Int64,
            "part_id": pl.Int64,
            "requested": pl.Date,
            "quantity": pl.Float64,
        },
    )


def _from_forecasts(
    template: ScorecardTemplate, today: dt.date, scheduled: list[int]
) -> list[pl.DataFrame]:
    """Forecast accuracy and stability of the customers not rated from build schedules (one
    value per customer and month: never both)."""
    shares, lines = forecasts_of(template.organisation_id)
    shares = shares.filter(~pl.col("rated_id").is_in(scheduled))
    orders = orders_received(template.organisation_id).filter(~pl.col("rated_id").is_in(scheduled))
    frames = [
        tagged(ordered_against_forecast(shares, lines, orders, weeks, today), metric)
        for metric, weeks in LAGS
    ]
    frames.append(
        tagged(
            forecast_share_stability(shares, lines, template.frozen_weeks, today),
            Metric.STABILITY,
        )
    )
    return frames


def invoices_issued(rater_id: int, rated_id: int | None = None) -> pl.DataFrame:
    """The rater's invoices to its customers: invoice_id, rated_id (the customer), due,
    paid_on."""
    issued = invoices_issued_by(rater_id)
    if rated_id is not None:
        issued = issued.filter(agreement__buyer_id=rated_id)
    return frame_of_query(
        issued.order_by().values_list("pk", "agreement__buyer_id", "due_date", "paid_on"),
        {"invoice_id": pl.Int64, "rated_id": pl.Int64, "due": pl.Date, "paid_on": pl.Date},
    )


def rated_from_schedules(template: ScorecardTemplate, rated_id: int) -> bool:
    """Whether the customer's forecast accuracy and stability come from build schedules (a
    program owner the rater builds for), as customer_values decides, else from forecasts
    shared and orders received."""
    if template.organisation.kind in OrganisationKind.sellers():
        return False
    return programs_served_by(template.organisation_id).filter(owner_id=rated_id).exists()


def customer_values(template: ScorecardTemplate, as_of: dt.datetime) -> pl.DataFrame:
    programs = list(programs_served_by(template.organisation_id).values_list("pk", "owner_id"))
    customer_ids = sorted({owner for _pk, owner in programs})
    # Suppliers and distributors never see their customers' schedules or BOMs
    # (need-to-know): those records are not theirs to count.
    seller = template.organisation.kind in OrganisationKind.sellers()
    program_ids = [] if seller else [pk for pk, _owner in programs]
    scheduled = [] if seller else customer_ids
    today = as_of.date()
    versions = _versions(program_ids)
    frames = [tagged(forecast_accuracy(versions, weeks, today), metric) for metric, weeks in LAGS]
    frames.append(
        tagged(forecast_stability(versions, template.frozen_weeks, today), Metric.STABILITY)
    )
    frames.extend(_from_forecasts(template, today, scheduled))
    frames.append(tagged(revisions_after_release(_boms(program_ids)), Metric.CHANGES))
    median, _within = responsiveness(
        _proposals(template, customer_ids), float(template.response_sla_hours), as_of
    )
    frames.append(tagged(median, Metric.DECISION_HOURS))
    # The customers' answers to the rater's questions in threads (threads/queries.py).
    asked = thread_requests_of(template)[1]
    answers, within = responsiveness(asked, float(template.response_sla_hours), as_of)
    frames.extend([tagged(answers, Metric.RESPONSE_MEDIAN), tagged(within, Metric.RESPONSE_SLA)])
    frames.append(
        tagged(payment_on_time(invoices_issued(template.organisation_id), today), Metric.PAYMENT)
    )
    return pl.concat(frames, how="vertical").filter(pl.col("month") <= today)
