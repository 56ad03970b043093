import importlib
from functools import partial

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from ninja import NinjaAPI
from ninja.errors import HttpError

from amparo.api import errors
from amparo.api.auth import AUTH
from amparo.api.parsing import StrictParser


class AmparoAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        return errors.declare_errors(super().get_openapi_schema(*args, **kwargs))


api = AmparoAPI(
    title="Amparo API",
    version="1",
    auth=AUTH,
    urls_namespace="api",
    parser=StrictParser(),
    description="Scoped by the access policy: every endpoint returns only what the caller may see.",
)
api.add_exception_handler(HttpError, partial(errors.http_error, api=api))
api.add_exception_handler(Http404, partial(errors.not_found, api=api))
api.add_exception_handler(PermissionDenied, partial(errors.forbidden, api=api))

for config in apps.get_app_configs():
    if not config.name.startswith("amparo."):
        continue
    try:
        module = importlib.import_module(f"{config.name}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"{config.name}.api":
            raise
        continue
    router = getattr(module, "router", None)
    if router is not None:
        api.add_router(f"/{getattr(module, 'PREFIX', config.label)}/", router)

urlpatterns = [path("", api.urls)]
