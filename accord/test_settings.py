"""Settings for the test suite: the product's settings with a fast password hasher."""

import os

os.environ.setdefault("ACCORD_ENV", "test")
os.environ.setdefault("ACCORD_TASK_BACKEND", "immediate")

import atexit
import shutil
import tempfile
from pathlib import Path

from accord.settings import *  # noqa: F403

# Uploaded files (signed NDAs) of a test run go to a folder of their own, removed at exit:
# the database rolls back after each test, a file system does not.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="accord-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)

# The crash tests of the background worker stop a worker inside a write (accord/core/faults.py).
TEST_PAUSE_AT = os.environ.get("ACCORD_TEST_PAUSE_AT", "")
TEST_PAUSE_FILE = os.environ.get("ACCORD_TEST_PAUSE_FILE", "")
TEST_PAUSE_SECONDS = float(os.environ.get("ACCORD_TEST_PAUSE_SECONDS", "30"))
