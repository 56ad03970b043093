"""WSGI entry point for production servers (gunicorn amparo.wsgi).

In production (AMPARO_ENV=production) it refuses to start while a deployment check fails
(DEBUG on, a short secret key, demo data: amparo.core.checks)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
application = get_wsgi_application()

from amparo.core.checks import refuse_unsafe_start  # noqa: E402  (needs the apps loaded above)

refuse_unsafe_start()
