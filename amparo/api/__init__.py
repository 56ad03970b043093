"""The JSON API (django-ninja): one NinjaAPI, each app contributes `router` from its `api.py`."""
