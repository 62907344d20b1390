"""The API access matrix's cases (cases.py), kept apart from the test that runs them
(accord/api/tests/test_access_matrix.py, whose docstring says how to add an entry)."""
