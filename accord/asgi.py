"""The application `accord serve` runs (ADR 0005): Django, served by the request guard and the
threaded handler of accord/server."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application()

from accord.server.guard import RequestGuard  # noqa: E402 (needs the settings set up above)
from accord.server.handler import ThreadedDjangoHandler  # noqa: E402

django_application = ThreadedDjangoHandler()
application = RequestGuard(django_application)
