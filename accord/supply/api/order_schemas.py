"""Schemas of the purchase order endpoints: orders, their lines and deliveries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field

from accord.api.pagination import PageParams
from accord.api.schemas import Id, InputSchema, OrgRef, Quantity, Text
from accord.supply.api.common import (
    DateIn,
    ManufacturerPartRef,
    PartRef,
    PriceIn,
    ProgramRow,
    QuantityIn,
    Row,
    SiteRef,
)
from accord.supply.choices import OrderStatus
from accord.supply.models import PurchaseOrderLine


class OrderOut(Row):
    id: int
    number: str
    buyer: OrgRef
    supplier: OrgRef
    program: ProgramRow
    status: str
    currency: str
    ship_to: SiteRef | None
    issued_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    notes: str
    created_at: dt.datetime


class LineOut(Row):
    id: int
    order_id: int
    line_number: int
    part: PartRef
    manufacturer_part: ManufacturerPartRef | None
    quantity: Quantity
    unit_price: Quantity | None
    currency: str
    requested_date: dt.date
    confirmed_date: dt.date | None
    status: str
    received_quantity: Quantity
    rejected_quantity: Quantity
    open_quantity: Quantity = Field(description="Still to come: ordered less accepted.")

    @classmethod
    def of(cls, line: PurchaseOrderLine) -> LineOut:
        source = line.manufacturer_part
        return cls.model_validate(
            {
                "id": line.pk,
                "order_id": line.order_id,
                "line_number": line.line_number,
                "part": line.part,
                "manufacturer_part": None if source is None else ManufacturerPartRef.of(source),
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "currency": line.currency,
                "requested_date": line.requested_date,
                "confirmed_date": line.confirmed_date,
                "status": line.status,
                "received_quantity": line.received_quantity,
                "rejected_quantity": line.rejected_quantity,
                "open_quantity": line.open_quantity,
            }
        )


class OrderDetail(OrderOut):
    lines: list[LineOut]


class OrderQuery(PageParams):
    status: OrderStatus | None = None
    supplier: Id | None = None
    program: Id | None = None


class OrderIn(InputSchema):
    program_id: Id
    supplier_id: Id = Field(description="A supplier or distributor taking part in the program.")
    number: Text = Field(min_length=1, max_length=40)
    currency: Text = Field("USD", min_length=3, max_length=3, description="ISO 4217, e.g. USD.")
    ship_to_id: Id | None = Field(None, description="A site of the buyer or of a partner.")
    notes: Text = Field("", max_length=2000)


class LineIn(InputSchema):
    part_id: Id
    quantity: QuantityIn
    requested_date: DateIn
    unit_price: PriceIn | None = None
    currency: Text = Field("", max_length=3, description="ISO 4217; the order's when empty.")
    manufacturer_part_id: Id | None = Field(
        None, description="One of the part's approved sources the caller may see."
    )


class ConfirmIn(InputSchema):
    confirmed_date: DateIn


class CancelIn(InputSchema):
    reason: Text = Field(min_length=1, max_length=200)


class DeliveryIn(InputSchema):
    site_id: Id = Field(description="A site of the caller's organisation.")
    quantity: QuantityIn = Field(description="Received, the rejected part included.")
    received_on: DateIn
    rejected_quantity: QuantityIn = Field(Decimal(0), description="Refused at inspection.")
    reject_reason: Text = Field("", max_length=300)


class DeliveryOut(Row):
    id: int
    line_id: int
    line_number: int
    part: PartRef
    site: SiteRef
    quantity: Quantity
    rejected_quantity: Quantity
    accepted_quantity: Quantity
    reject_reason: str
    received_on: dt.date
    received_by: str | None
    created_at: dt.datetime
