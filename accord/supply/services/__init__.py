"""Every write of the supply app: verb-named, keyword-only `actor`, one transaction, an event."""

from accord.supply.services.builds import change_build, retire_build, schedule_build
from accord.supply.services.offers import record_allocation, record_offer, retire_offer
from accord.supply.services.orders import (
    acknowledge_order,
    add_order_line,
    cancel_order_line,
    confirm_order_line,
    create_purchase_order,
    issue_order,
    receive_delivery,
)
from accord.supply.services.sites import create_site, retire_site, set_stock_level
from accord.supply.services.stock import (
    adjust_stock,
    issue_stock,
    receive_stock,
    scrap_stock,
    transfer_stock,
)

__all__ = [
    "acknowledge_order",
    "add_order_line",
    "adjust_stock",
    "cancel_order_line",
    "change_build",
    "confirm_order_line",
    "create_purchase_order",
    "create_site",
    "issue_order",
    "issue_stock",
    "receive_delivery",
    "receive_stock",
    "record_allocation",
    "record_offer",
    "retire_build",
    "retire_offer",
    "retire_site",
    "schedule_build",
    "scrap_stock",
    "set_stock_level",
    "transfer_stock",
]
