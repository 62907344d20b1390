"""The supply import API's rows of the access matrix: who may import which kind of file.

An import writes only what the person may write, and a file naming what they may not (another
organisation's site, a program they do not order for, a buyer they do not see) is the file's
problem: 422 with the problems, nothing written. A kind the person may never import is 403:
orders are the buyers' (not sellers'), allocations the sellers'.

The world: the supply pages' (supply_cases.supply_world, built lazily), where Meridian has a
plant, PEN1.
- stock of an Earbuds X2 part at PEN1: Meridian's people 201 (its quality engineer is no
  member of EBX2, but a holder's people name what it holds, as in the stock forms:
  parts_for_supply); everyone else 422 (not their site).
- a new order on Earbuds X2 to Sunridge: the program's buying members (Halcyon's buyer and
  engineer, Meridian's planner) 201; Brightline's planner 422 (its NDA lapsed: it no longer
  sees the program's parts), other buyers 422 (not members); sellers 403.
- an allocation of Sunridge's driver to Halcyon: Sunridge's rep 201; Quillon (a seller that
  does not see Halcyon) 422; buyers 403.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accord.api.tests.access_matrix.cases import Case, case, expect
from accord.api.tests.access_matrix.supply_cases import at

SIGNED_IN = [
    "oem_buyer",
    "oem_engineer",
    "ems_planner",
    "ems_quality",
    "supplier_rep",
    "other_oem_user",
    "nda_expired_partner",
    "outsider",
]
SELLERS = ["supplier_rep", "outsider"]
EBX2_BUYERS = ["oem_buyer", "oem_engineer", "ems_planner"]

STOCK_FILE = b"Part Number,Warehouse,Qty On Hand\nHAL-200-0001,PEN1,25\n"
ORDER_FILE = (
    b"PO Number,Program,Supplier,Part Number,Qty,Unit Price (USD),Need Date\n"
    b"PO-MATRIX-1,EBX2,Sunridge Acoustics,HAL-400-0001,100,1.85,2027-01-15\n"
)
ALLOCATION_FILE = (
    b"Customer,Mfr Part #,Period Start,Period End,Allocated Qty\n"
    b"Halcyon Devices,SA-BA-3110,2027-01-01,2027-03-31,5000\n"
)


def _status(
    ok: list[str], status: int, others: int, forbidden: list[str] | None = None
) -> dict[str, int]:
    forbidden = forbidden or []
    table = expect(ok, status=status, forbidden=forbidden)
    for persona in SIGNED_IN:
        if persona not in ok and persona not in forbidden:
            table[persona] = others
    return table


def _upload(name: str, data: bytes) -> Any:
    return lambda w: {"commit": "true", "file": SimpleUploadedFile(name, data)}


SUPPLY_IMPORT_MATRIX: dict[tuple[str, str], list[Case]] = {
    ("POST", "/supply/imports/{kind}"): [
        case(
            at(lambda w: "/supply/imports/stock"),
            _status(["ems_planner", "ems_quality"], 201, 422),
            body=_upload("stock.csv", STOCK_FILE),
            multipart=True,
        ),
        case(
            at(lambda w: "/supply/imports/orders"),
            _status(EBX2_BUYERS, 201, 422, SELLERS),
            body=_upload("orders.csv", ORDER_FILE),
            multipart=True,
            label="orders",
        ),
        case(
            at(lambda w: "/supply/imports/allocations"),
            _status(["supplier_rep"], 201, 403) | {"outsider": 422},
            body=_upload("allocations.csv", ALLOCATION_FILE),
            multipart=True,
            label="allocations",
        ),
    ],
}
