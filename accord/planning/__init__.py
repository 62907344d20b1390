"""Netting, shortages, clear-to-build, risks and alternates."""
