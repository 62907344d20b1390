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
