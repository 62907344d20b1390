"""The page access matrix's `world` fixtures (access_matrix_world.py), for
test_access_matrix.py; a module that defines its own `world` keeps it."""

from accord.web.tests.access_matrix_world import module_world, world

__all__ = ["module_world", "world"]
