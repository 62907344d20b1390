"""The supply import page's rows of the page access matrix (merged into test_access_matrix.py).

The world is the supply pages' (access_matrix_supply.py): Meridian's plant PEN1 holds its own
stock of HAL-200-0001. Everyone signed in opens the page (it offers the kinds each may import).
Confirming a stock file that counts HAL-200-0001 at PEN1 imports it for Meridian's people (302
to the stock list, the balance set through the ledger); for everyone else the file names a site
that is not theirs: 422 with the problem, nothing written. (A kind the person may never
import, allocations for a buyer, is 403: accord/supply/tests/test_import_page.py.)
"""

from __future__ import annotations

import base64
from typing import Any

from accord.web.tests.access_matrix_supply import EVERYONE, MERIDIAN, NONE, only, these

STOCK_FILE = b"Part Number,Warehouse,Qty On Hand\nHAL-200-0001,PEN1,25\n"


def _confirm(kind: str, data: bytes) -> Any:
    return lambda w: {
        "kind": kind,
        "filename": f"{kind}.csv",
        "content": base64.b64encode(data).decode("ascii"),
    }


SUPPLY_IMPORT_GET = {"supply_import": (NONE, EVERYONE)}
SUPPLY_IMPORT_POST = {
    "supply_import": (NONE, _confirm("stock", STOCK_FILE), only(these(MERIDIAN, 302), 422)),
}
