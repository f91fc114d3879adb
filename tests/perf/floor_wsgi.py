"""The floor for tests/perf/load.py: a one-line Django view behind the shop's own
settings and middleware, served by gunicorn like the shop. Production code has
no test branch: this module swaps in its own URLconf before Django starts."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = "tests.perf.floor_wsgi"
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

urlpatterns = [path("floor/", lambda request: HttpResponse("ok"))]

application = get_wsgi_application()
