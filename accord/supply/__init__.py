"""Sites, stock and its ledger, purchase orders, deliveries and inspection, builds, offers."""
