"""WSGI entry point for gunicorn.

Runs the shop's configuration checks first: a deploy missing a secret, a host
name, Stripe keys or Redis stops here with the checks' message, not later
with a traceback in the middle of a checkout.
"""

import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

application = get_wsgi_application()


def _refuse_misconfiguration() -> None:
    from django.core import checks

    from shop.checks import TAG

    errors = [e for e in checks.run_checks(tags=[TAG]) if e.is_serious()]
    if errors:
        for error in errors:
            print(f"{error.id}: {error.msg}\n    HINT: {error.hint}", file=sys.stderr)
        raise SystemExit("The shop refuses to start: fix the configuration above.")


_refuse_misconfiguration()
