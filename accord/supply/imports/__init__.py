"""Supply imports: stock on hand, purchase-order lines, supplier offers, builds and allocations
from the CSV and XLSX files ERPs and distributors export.

Each import reads the file with the BOM import's readers (limits, encodings, hostile files),
recognises its columns by their header words (vocabulary.py), parses every row into typed
values in one pass (values.py), resolves parts, manufacturer parts, sites and organisations
with one query per kind through access.py (kinds/), and reports every problem with its file,
sheet, row and column. Nothing is written unless the whole file is good: the service
(accord/supply/services/imports.py) writes it in one transaction.
"""
