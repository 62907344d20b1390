"""Pages of the supply app: sites (sites.py), stock and its ledger (stock.py), purchase orders
and deliveries (orders.py), builds (builds.py), offers and allocations (offers.py)."""
