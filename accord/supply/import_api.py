"""API: importing stock, purchase-order lines, offers, builds and allocations from a file."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, UploadedFile
from ninja.responses import Status
from pydantic import Field

from accord.api.auth import person
from accord.api.idempotency import HEADER, HEADER_DOC, run_idempotently, valid_key
from accord.api.schemas import InputSchema
from accord.core.errors import InvalidInput
from accord.parts.api.import_schemas import ImportProblemOut
from accord.parts.bom_import.inputs import read_upload
from accord.supply.imports.preview import ImportResult
from accord.supply.services.imports import import_supply

router = Router(tags=["supply imports"])

PROBLEMS_IN_RESPONSE = 1000
Kind = Literal["stock", "orders", "offers", "builds", "allocations"]

SUPPLY_IMPORT_DOC = """\
Import a CSV or XLSX file as ERPs and distributors export it, recognising the columns by their \
headers (e.g. "Mfr Part #", "Manufacturer Part Number", "Qty", "Quantity Available", "Unit \
Price", "Lead Time (weeks)", "Promised Date", "Warehouse"):

* `stock`: on-hand counts per part and site of your organisation (owner for consigned goods); \
each balance is set to the count through the stock ledger.
* `orders`: purchase-order lines (PO number, program and supplier for a new order, part, \
quantity, requested date, unit price, promised date); buyers only.
* `offers`: supplier offers (supplier, MPN, price breaks, MOQ, order multiple, lead time, \
stock, date seen), recorded as your organisation's information.
* `builds`: the build schedule (program, assembly, quantity, due date, firmness); buyers only.
* `allocations`: what your organisation (a supplier or distributor) commits to a buyer.

`commit=false` (the default): 200 with the preview, every problem with file, sheet, row and \
column; nothing is written. `commit=true`: 201 once the whole file is written in one \
transaction; 422 `invalid` with the same result in `detail` while any problem is an \
error (nothing is written). 403 for a kind you may not import. Send an `Idempotency-Key` to \
retry safely.
"""


class SupplyImportForm(InputSchema):
    # "true" or "false" as written: a form field is text, and "0", "no" or "off" are no answer.
    commit: Literal["true", "false"] = Field(
        "false", description="false: the preview, nothing written; true: import the file."
    )


class SupplyImportOut(Schema):
    kind: Kind
    file: str
    sheet: str | None
    committed: bool
    can_commit: bool = Field(description="False while any problem is an error.")
    rows: int = Field(description="Data rows read (blank rows not counted).")
    columns: dict[str, str] = Field(description="What each recognised column gives.")
    counts: dict[str, int]
    problem_count: int
    problems: list[ImportProblemOut] = Field(description="The first 1,000 problems.")


def result_out(result: ImportResult) -> dict[str, Any]:
    data = result.as_dict()
    problems = data.pop("problems")
    return {
        **data,
        "can_commit": result.ok,
        "problem_count": len(problems),
        "problems": problems[:PROBLEMS_IN_RESPONSE],
    }


@router.post(
    "/supply/imports/{kind}",
    response={200: SupplyImportOut, 201: SupplyImportOut},
    summary="Import stock, orders, offers, builds or allocations from a file",
    description=SUPPLY_IMPORT_DOC,
    openapi_extra={"parameters": [HEADER_DOC]},
)
def import_supply_file(
    request: HttpRequest, kind: Kind, file: File[UploadedFile], form: Form[SupplyImportForm]
) -> Any:
    user = person(request)
    if request.headers.get(HEADER) is not None:
        valid_key(request.headers[HEADER])  # a preview too answers a malformed key with 422
    data, filename = read_upload(file)
    if form.commit != "true":
        result = import_supply(actor=user, kind=kind, data=data, filename=filename, commit=False)
        return Status(200, result_out(result))

    def run() -> Status[Any]:
        done = import_supply(actor=user, kind=kind, data=data, filename=filename, commit=True)
        if not done.committed:
            raise InvalidInput(
                f"The file has {done.errors} problem(s): nothing was imported.",
                detail=result_out(done),
            )
        return Status(201, result_out(done))

    return run_idempotently(request, run)
