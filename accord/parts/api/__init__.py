"""API: parts and their approved sources, BOMs. One router made of the two subjects."""

from ninja import Router

from accord.parts.api.boms import router as boms_router
from accord.parts.api.parts import router as parts_router

router = Router()
router.add_router("", parts_router)
router.add_router("", boms_router)

__all__ = ["router"]
