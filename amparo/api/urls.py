import importlib

from django.apps import apps
from django.urls import path
from ninja import NinjaAPI

from amparo.api.auth import AUTH

api = NinjaAPI(
    title="Amparo API",
    version="1",
    auth=AUTH,
    urls_namespace="api",
    description="Scoped by the access policy: every endpoint returns only what the caller may see.",
)

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
