"""Settings for the test suite: the product's settings with a fast password hasher."""

import os

os.environ.setdefault("ACCORD_ENV", "test")
os.environ.setdefault("ACCORD_TASK_BACKEND", "immediate")

from accord.settings import *  # noqa: F403
