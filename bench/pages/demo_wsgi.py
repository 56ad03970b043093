"""amparo.wsgi for the staff pages bench: the production application, guarded by the same
deployment checks (DEBUG off, a long secret key) except amparo.E003, since the bench serves the
demo data (whose users share a published password) on a throwaway database.

    gunicorn --pythonpath bench/pages demo_wsgi:application
"""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (after the apps are loaded)

from amparo.core.checks import deployment_errors  # noqa: E402

if not settings.PRODUCTION:
    raise ImproperlyConfigured("the bench serves Amparo as production does: set AMPARO_ENV=production")
errors = [m for m in deployment_errors() if m.id != "amparo.E003"]
if errors:
    raise ImproperlyConfigured("; ".join(f"{m.id}: {m.msg}" for m in errors))
