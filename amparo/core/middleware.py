"""Request-wide guards of the pages (the API has its own, in amparo.api).

- `ControlCharactersMiddleware`: answers 404 to a path holding control characters, and removes the characters no text field may hold (amparo.core.text)
  from every form field and query parameter before any view reads them, and tells the person
  which fields changed, so pasted text with a NUL or a vertical tab is stored clean instead of
  failing a database write or every later XLSX export. One place covers every form and every view
  that reads `request.POST` directly. Password fields are left alone: they are hashed, never
  stored or exported as text, and changing them would change the password.
- `NoStoreMiddleware`: pages and API answers carry personal data (a signed-in user's pages, a
  check-in link's page); every response but static files and the JavaScript catalog is sent with
  `Cache-Control: no-store`, so a shared computer's browser cache or a proxy keeps none of it.
- `PageGZipMiddleware`: pages and their JSON (the map layers) gzipped for a browser that accepts it,
  since a consulate's link is slow (bench/pages). Not the JSON API under /api/: it answers other
  systems, whose clients do not all decode what they say they accept (the schema conformance
  test's WSGI transport asks for gzip and reads the bytes as they come), and its streamed exports
  stay as fast as the server writes them.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, JsonResponse, QueryDict
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from amparo.core.text import clean_text, has_control_characters


class ControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request.path):
            # No URL of Amparo holds one; refusing here keeps them out of every path parameter.
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Not Found"}, status=404)
            raise Http404
        if not request.path.startswith("/api/"):
            changed = _clean(request, "GET")
            if request.method == "POST" and request.content_type in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                changed += _clean(request, "POST")
            if changed:
                messages.warning(
                    request,
                    _("Invisible control characters were removed from: %(fields)s. Check the text.")
                    % {"fields": ", ".join(dict.fromkeys(changed))},
                )
        return self.get_response(request)


def _clean(request, attribute: str) -> list[str]:
    data: QueryDict = getattr(request, attribute)
    dirty = [
        key
        for key, values in data.lists()
        if "password" not in key and any(isinstance(v, str) and has_control_characters(v) for v in values)
    ]
    if not dirty:
        return []
    cleaned = data.copy()
    for key in dirty:
        cleaned.setlist(key, [clean_text(v) if isinstance(v, str) else v for v in data.getlist(key)])
    cleaned._mutable = False
    setattr(request, attribute, cleaned)
    return [clean_text(key) for key in dirty]


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(CACHEABLE):
            add_never_cache_headers(response)
        return response


CACHEABLE = ("/static/", "/jsi18n/")


class PageGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if request.path.startswith("/api/"):
            return response
        return super().process_response(request, response)
