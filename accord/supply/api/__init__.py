"""API: sites and stock levels, stock and its ledger, purchase orders with their lines and
deliveries, the build schedule, supplier offers and allocations. One router made of the
subjects; each operation parses, goes through accord/supply/access.py and calls the service the
pages call."""

from ninja import Router

from accord.supply.api.builds import router as builds_router
from accord.supply.api.offers import router as offers_router
from accord.supply.api.orders import router as orders_router
from accord.supply.api.sites import router as sites_router
from accord.supply.api.stock import router as stock_router

router = Router()
router.add_router("", stock_router)
router.add_router("", sites_router)
router.add_router("", orders_router)
router.add_router("", builds_router)
router.add_router("", offers_router)

__all__ = ["router"]
