"""Keys used to match manufacturers and MPNs however a file spells them.

One definition serves the catalogue import (vectorised, in Polars) and the BOM import and
services (scalar); both live in catalogue_parse so they cannot drift apart.
"""

from accord.parts.catalogue_parse import MANUFACTURER_ALIASES, manufacturer_key, mpn_key

__all__ = ["MANUFACTURER_ALIASES", "manufacturer_key", "mpn_key"]
