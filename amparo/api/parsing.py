"""What every API request body and query string must be before any endpoint reads it.

- A body is one JSON object: an array, a string or a number at the top level is refused (422),
  whatever the endpoint, so no endpoint has to guess what a list of payloads would mean.
- No string, key or value, at any depth, and no query parameter may hold control characters
  (amparo.core.text): they are refused with their location (422), as a program sending them
  should learn, rather than silently changed.

ninja turns any exception of `parse_body` into a bare 400 "Cannot parse request body";
`refusal_response` (installed by amparo.api) answers the refusals with their own 422 instead.
"""

from __future__ import annotations

import json

from ninja.errors import ValidationError
from ninja.parser import Parser

from amparo.core.text import describe, find_in


class BodyRefused(ValueError):
    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__(errors)


def control_character_errors(data, where: str) -> list[dict]:
    return [
        {
            "loc": [where, *path],
            "msg": f"Control characters are not allowed ({describe(value)})",
            "type": "control_characters",
        }
        for path, value in find_in(data)
    ]


class StrictParser(Parser):
    def parse_body(self, request):
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise BodyRefused([{"loc": ["body"], "msg": "The body must be a JSON object", "type": "object_type"}])
        errors = control_character_errors(data, "body")
        if errors:
            raise BodyRefused(errors)
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        if data is request.GET:
            errors = control_character_errors(result, "query")
        else:
            errors = control_character_errors(result, "form")
        if errors:
            raise ValidationError(errors)
        return result
