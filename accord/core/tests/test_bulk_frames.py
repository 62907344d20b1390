"""The bulk reader and writer of frames (core/db.py) give back what the ORM stores: text with
quotes, commas and line breaks, empty text apart from NULL, dates, times to the microsecond,
and decimals, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.db.models import FloatField
from django.db.models.functions import Cast

from accord.core.db import blobs_of, frame_of_query, insert_frame
from accord.supply.models import PurchaseOrder

NOTES = ['said "fine", then\nchanged it', "", "plain", 'a "quote" only']


def test_a_query_read_in_bulk_equals_the_orm(orgs: Any, programs: Any) -> None:
    issued = dt.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=dt.UTC)
    for number, notes in enumerate(NOTES):
        PurchaseOrder.objects.create(
            buyer=orgs["halcyon"],
            supplier=orgs["sunridge"],
            program=programs["EBX2"],
            number=f"PO-{number}",
            notes=notes,
            issued_at=issued + dt.timedelta(days=number) if number % 2 else None,
            status="issued",
        )
    query = (
        PurchaseOrder.objects.filter(buyer=orgs["halcyon"])
        .order_by("number")
        .values_list("notes", "number", "issued_at", Cast("pk", FloatField()), "supplier_id")
    )
    frame = frame_of_query(
        query,
        {
            "notes": pl.String,
            "number": pl.String,
            "issued_at": pl.Datetime("us", "UTC"),
            "id": pl.Float64,
            "supplier_id": pl.Int64,
        },
    ).sort("number")
    expected = list(query)
    assert frame["notes"].to_list() == [row[0] for row in expected] == NOTES
    assert frame["issued_at"].to_list() == [row[2] for row in expected]
    assert frame["issued_at"].to_list()[1] == issued + dt.timedelta(days=1)
    assert frame["id"].to_list() == [row[3] for row in expected]
    assert set(frame["supplier_id"].to_list()) == {orgs["sunridge"].pk}


def test_an_empty_query_is_an_empty_frame(orgs: Any) -> None:
    query = PurchaseOrder.objects.filter(pk__in=[]).values_list("number", "issued_at")
    frame = frame_of_query(query, {"number": pl.String, "issued_at": pl.Datetime("us", "UTC")})
    assert frame.height == 0 and frame.columns == ["number", "issued_at"]


def test_a_frame_written_in_bulk_reads_back_through_the_orm(orgs: Any, programs: Any) -> None:
    at = dt.datetime(2026, 5, 6, 7, 8, 9, 123456, tzinfo=dt.UTC)
    frame = pl.DataFrame(
        {
            "buyer_id": [orgs["halcyon"].pk] * 3,
            "supplier_id": [orgs["sunridge"].pk] * 3,
            "program_id": [programs["EBX2"].pk] * 3,
            "number": ["B-1", "B-2", "B-3"],
            "notes": NOTES[:3],
            "currency": ["USD", "EUR", "USD"],
            "status": ["issued"] * 3,
            "issued_at": [at, None, at],
            "created_at": [at] * 3,
        }
    )
    assert insert_frame(PurchaseOrder, frame) == 3
    stored = list(
        PurchaseOrder.objects.filter(number__startswith="B-")
        .order_by("number")
        .values_list("notes", "currency", "issued_at", "ship_to_id")
    )
    assert stored == [
        (NOTES[0], "USD", at, None),
        (NOTES[1], "EUR", None, None),
        (NOTES[2], "USD", at, None),
    ]


def test_binary_columns_read_in_bulk_are_the_bytes_stored(orgs: Any) -> None:
    from accord.scorecards.models import FactBlock

    every_byte = bytes(range(256)) * 3
    FactBlock.objects.create(organisation=orgs["halcyon"], block=1, lines=every_byte)
    FactBlock.objects.create(organisation=orgs["halcyon"], block=2, receipts=b"\x00\\x")
    rows = blobs_of(
        FactBlock.objects.filter(organisation=orgs["halcyon"])
        .order_by("block")
        .values_list("lines", "receipts")
    )
    assert rows == [(every_byte, b""), (b"", b"\x00\\x")]
    assert blobs_of(FactBlock.objects.none().values_list("lines")) == []
