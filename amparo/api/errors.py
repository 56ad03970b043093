"""How the API answers errors, in one shape the OpenAPI document declares for every operation:
`{"detail": "…"}` or, for invalid input, `{"detail": [{"loc": […], "msg": "…", "type": "…"}]}`
(some operations add `errors`, field by field). Declaring them lets clients, and the schemathesis
run in the test suite, check every error body against the schema."""

from __future__ import annotations

from ninja.errors import HttpError

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
    """ninja's own handler, except for bodies refused by amparo.api.parsing: 422 with where."""
    if isinstance(exc.__cause__, BodyRefused):
        return api.create_response(request, {"detail": exc.__cause__.errors}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
