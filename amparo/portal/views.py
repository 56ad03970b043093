"""The portal's public pages: no account, five languages, light enough for a 2G link, usable
without JavaScript. Language comes from the URL (/p/fr/…), so every page can be bookmarked,
cached offline and shared; personal data never does (positions and phones are POSTed)."""

from __future__ import annotations

from functools import wraps

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from amparo.core import gazetteer
from amparo.core.gazetteer import REGION
from amparo.crises.models import Crisis
from amparo.portal import queries
from amparo.portal.forms import LANGUAGE_NAMES
from amparo.portal.minimap import minimap
from amparo.portal.models import LANGUAGES
from amparo.portal.text import plain_text, render_text

# What "services near me" offers, in the words a migrant would look for.
SERVICE_GROUPS = {
    "shelter": ("shelter",),
    "health": ("health", "mhpss"),
    "legal": ("legal_aid", "asylum_procedure"),
    "consulate": ("consular_assistance",),
    "food": ("food",),
    "documents": ("documents",),
    "family": ("family_tracing",),
}


def in_language(view):
    """Serve the view in the URL's language; unknown languages are 404."""

    @wraps(view)
    def wrapper(request, lang: str, *args, **kwargs):
        if lang not in LANGUAGES:
            raise Http404
        with translation.override(lang):
            request.LANGUAGE_CODE = lang
            response = view(request, lang, *args, **kwargs)
        response["Content-Language"] = lang
        return response

    return wrapper


def render_portal(request, template: str, context: dict, *, status: int = 200):
    lang = request.LANGUAGE_CODE
    prefix = f"/p/{lang}/"
    switch = []
    for code in LANGUAGES:
        path = request.path.replace(prefix, f"/p/{code}/", 1) if request.path.startswith(prefix) else f"/p/{code}/"
        if request.method != "GET":
            path = f"/p/{code}/"
        switch.append({"code": code, "name": LANGUAGE_NAMES[code], "url": path, "current": code == lang})
    return render(request, template, {"lang": lang, "switch": switch, **context}, status=status)


@require_GET
def root(request):
    """Language first: five links, each in its own language, the browser's preference first."""
    preferred = translation.get_language_from_request(request)[:2]
    order = sorted(LANGUAGES, key=lambda code: code != preferred)
    with translation.override(preferred if preferred in LANGUAGES else "es"):
        return render(
            request,
            "portal/root.html",
            {"choices": [(code, LANGUAGE_NAMES[code]) for code in order], "lang": preferred},
        )


@require_GET
@in_language
def home(request, lang: str):
    countries = sorted(((code, _country(code, lang)) for code in REGION), key=lambda pair: pair[1])
    return render_portal(request, "portal/home.html", {"countries": countries})


def _country(code: str, lang: str) -> str:
    from amparo.core.places import country_name

    return country_name(code, lang)


@require_GET
@in_language
def country(request, lang: str, cc: str):
    cc = cc.upper()
    if cc not in REGION:
        raise Http404
    pages = queries.published_pages(cc, lang)
    crises = [c for c in Crisis.objects.filter(is_exercise=False, phase__in=("watch", "response")).order_by("-started_at")
              if cc in (c.countries or [])]  # fmt: skip
    return render_portal(
        request, "portal/country.html", {"cc": cc, "country_name": _country(cc, lang), "pages": pages, "crises": crises}
    )


@require_GET
@in_language
def info(request, lang: str, cc: str, version_id: int):
    version = queries.published_page(version_id, lang)
    if version is None or version.page.country != cc.upper():
        # The same page in another language, if the person switched languages on it.
        raise Http404
    return render_portal(
        request,
        "portal/info.html",
        {"version": version, "cc": cc.upper(), "body": render_text(version.body), "spoken": plain_text(version.body)},
    )


def resolve_place(request, lang: str):
    """The place the person means: a GPS fix (POSTed), a town chosen from a list (its id), or a
    typed name that names exactly one town. Returns (where, choices, typed)."""
    data = request.POST if request.method == "POST" else request.GET
    typed = (data.get("q") or "").strip()[:80]
    where = queries.where_from(place_id=data.get("place", ""), lat=data.get("lat", ""), lon=data.get("lon", ""),
                               language=lang)  # fmt: skip
    if where is not None or not typed:
        return where, [], typed
    found = gazetteer.search(typed, country=(data.get("country") or "").upper()[:2], limit=8)
    exact = [p for p in found if gazetteer.fold(p.name) == gazetteer.fold(typed)]
    if len(found) == 1 or len(exact) == 1:
        place = found[0] if len(found) == 1 else exact[0]
        return queries.where_from(place_id=str(place.id), language=lang), [], typed
    return None, [{"id": p.id, "label": p.label(lang)} for p in found], typed


@cache_control(private=True, max_age=0)
@in_language
def services(request, lang: str):
    where, choices, typed = resolve_place(request, lang)
    group = request.GET.get("kind") or request.POST.get("kind") or "shelter"
    if group not in SERVICE_GROUPS:
        group = "shelter"
    results = []
    if where is not None and where.has_point:
        results = services_near(where, SERVICE_GROUPS[group])
    points = [(f.service.latitude, f.service.longitude, str(i)) for i, f in enumerate(results, 1)]
    return render_portal(
        request,
        "portal/services.html",
        {
            "where": where, "choices": choices, "typed": typed, "group": group, "groups": _group_labels(),
            "results": results, "place_id": (request.GET.get("place") or "")[:12] if where else "",
            "map": minimap(where.lat, where.lon, points, title=_map_title()) if results else "",
        },
    )  # fmt: skip


def services_near(where, kinds, limit: int = 8, max_km: float | None = None):
    """The nearest active services of these kinds, nearest first, in growing rings (up to
    `max_km` away when given: a shelter 800 km away is not "nearby" in a crisis)."""
    from amparo.protection.queries import RINGS_KM, search_services

    found = []
    for radius in [r for r in RINGS_KM if max_km is None or r <= max_km] or [max_km]:
        found = []
        for kind in kinds:
            found += [f for f in search_services(kind=kind, lat=where.lat, lon=where.lon, radius_km=radius)
                      if f.distance_km is not None]  # fmt: skip
        if len(found) >= limit:
            break
    found.sort(key=lambda f: f.distance_km)
    return found[:limit]


def _group_labels():
    from django.utils.translation import pgettext

    # A context of their own: other apps translate "Shelter" or "Food" for staff, in other words.
    return [
        (code, pgettext("portal services near me", label))
        for code, label in (
            ("shelter", "Shelter"), ("health", "Health care"), ("legal", "Legal help and asylum"),
            ("consulate", "Consulate"), ("food", "Food"), ("documents", "Documents"), ("family", "Find my family"),
        )
    ]  # fmt: skip


def _map_title():
    from django.utils.translation import gettext as _

    return _("Map: you are at the centre; the numbers are the places in the list.")


@cache_control(private=True, max_age=0)
@in_language
def crisis_here(request, lang: str):
    """During a crisis: what is going on where I am, what to do, where the open shelters are,
    and "I'm safe / I need help"."""
    where, choices, typed = resolve_place(request, lang)
    crises, shelters, advice = [], [], []
    if where is not None:
        crises = queries.active_crises_at(where)
        if where.has_point:
            shelters = services_near(where, ("shelter",), limit=3, max_km=200)
        country_pages = {v.page.topic: v for v in queries.published_pages(where.country, lang)} if where.country else {}
        advice = [
            country_pages[t] for t in dict.fromkeys(queries.crisis_topic(c) for c in crises) if t in country_pages
        ]
    return render_portal(
        request, "portal/crisis.html",
        {"where": where, "choices": choices, "typed": typed, "crises": crises, "shelters": shelters, "advice": advice},
    )  # fmt: skip


@require_GET
def service_worker(request):
    """The offline worker, served from /p/ so that its scope is the whole portal."""
    with open(_static_path("portal/sw.js"), encoding="utf-8") as fh:
        script = fh.read()
    assets = [static("portal/portal.css"), static("portal/portal.js")]
    script = script.replace("__ASSETS__", ",".join(f'"{a}"' for a in assets))
    response = HttpResponse(script, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


def _static_path(name: str) -> str:
    from django.contrib.staticfiles import finders

    path = finders.find(name)
    if not path:
        raise Http404
    return path
