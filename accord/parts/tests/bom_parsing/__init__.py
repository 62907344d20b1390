"""BOM parsing against real-world sample files and synthetic edge cases.

Expected figures for the sample files were established by reading the files with
independent tools (awk, Python's csv module, openpyxl, ElementTree), not with the
parser under test; see the comment on each test for how.
"""
