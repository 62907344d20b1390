"""API: parts and their approved sources, BOMs, imports. One router made of the subjects."""

from ninja import Router

from accord.parts.api.boms import router as boms_router
from accord.parts.api.imports import router as imports_router
from accord.parts.api.parts import router as parts_router

router = Router()
# Imports first: "/boms/import" must not be read as "/boms/{bom_id}".
router.add_router("", imports_router)
router.add_router("", parts_router)
router.add_router("", boms_router)

__all__ = ["router"]
