"""How the API answers errors, in one shape the OpenAPI document declares for every operation:
`{"detail": "…"}` or, for invalid input, `{"detail": [{"loc": […], "msg": "…", "type": "…"}]}`
(some operations add `errors`, field by field). Declaring them lets clients, and the schemathesis
run in the test suite, check every error body against the schema."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja.errors import HttpError

from amparo.accounts.middleware import record_refusal
from amparo.api.parsing import BodyRefused

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string"},
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                            "msg": {"type": "string"},
                            "type": {"type": "string"},
                        },
                    },
                },
            ]
        }
    },
    "required": ["detail"],
}
DEFAULT_ERRORS = {
    "400": "Invalid request",
    "401": "Not signed in, or the token is not valid",
    "403": "The caller's role or organization may not do this",
    "404": "Not found, or not visible to the caller",
    "422": "Invalid parameters or body",
}


def declare_errors(schema: dict) -> dict:
    """Add the error responses every operation may give to the OpenAPI document."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in DEFAULT_ERRORS.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ref}}}
                )
    return schema


def http_error(request, exc: HttpError, api):
    """ninja's own handler, except for bodies refused by amparo.api.parsing: 422 with where. An
    endpoint's 404 or 403 raised while handling a refused access is recorded like the pages'."""
    if isinstance(exc.__cause__, BodyRefused):
        return api.create_response(request, {"detail": exc.__cause__.errors}, status=422)
    refused = exc.__cause__ or exc.__context__
    if exc.status_code in (403, 404) and isinstance(refused, Http404 | PermissionDenied):
        record_refusal(request, refused)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def not_found(request, exc: Http404, api):
    record_refusal(request, exc)
    return api.create_response(request, {"detail": "Not Found"}, status=404)


def forbidden(request, exc: PermissionDenied, api):
    record_refusal(request, exc)
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)
