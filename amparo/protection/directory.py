"""The directory of the region as data: `protection/data/common.yaml` (a pathway per profile, step
names by purpose, in five languages) and one file per country (`<cc>.yaml`: the competent
authority of each purpose, the pathways that differ, the contact for a profile without a pathway,
providers and their services, sources).

`load()` writes them into the admin-visible tables and is idempotent: a second run changes nothing.
A country's file is the source of its pathways: the rows it defines are rewritten from it (so a
correction is made once, in the file, and reviewed); rows it does not define are left alone.
Providers marked `demo: true` are loaded only with `demo=True` (`amparo demo-data`,
`amparo load-directory --demo`), with the organization flagged `is_demo`.

`load()` takes the models as a namespace so migration 0003 can run it with historical models.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import yaml

from amparo.core.gazetteer import REGION
from amparo.protection.codes import RESPONSE_HOURS, ServiceKind

DATA = Path(__file__).resolve().parent / "data"
LANGUAGES = ("en", "es", "fr", "ht", "pt")
DEMO_EMAIL_DOMAIN = "demo.amparo.local"  # as amparo.core.demo: production refuses to start with it


class DirectoryDataError(ValueError):
    """A data file says something the directory cannot hold (the message names file and place)."""


@lru_cache(maxsize=1)
def common() -> dict:
    return yaml.safe_load((DATA / "common.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=16)
def country_data(country: str) -> dict:
    path = DATA / f"{country.lower()}.yaml"
    if not path.exists():
        raise DirectoryDataError(f"no data file for {country}: {path.name}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if data.get("country") != country.upper():
        raise DirectoryDataError(f"{path.name}: country is {data.get('country')!r}, expected {country.upper()}")
    return data


def digest(country: str) -> str:
    """The version of a country's data (its file and the common one): a review is of one version."""
    h = hashlib.sha256()
    for name in ("common.yaml", f"{country.lower()}.yaml"):
        h.update((DATA / name).read_bytes())
    return h.hexdigest()


def _authority(value, where: str) -> dict:
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, dict) or not value.get("name"):
        raise DirectoryDataError(f"{where}: an authority needs a name")
    return {"name": value["name"], "contact": value.get("contact", ""), "source": value.get("source", "")}


def _texts(value, where: str) -> dict:
    missing = [lang for lang in LANGUAGES if not (value or {}).get(lang)]
    if missing:
        raise DirectoryDataError(f"{where}: missing {', '.join(missing)}")
    return {lang: value[lang] for lang in LANGUAGES}


@dataclass
class StepSpec:
    purpose: str
    authority: dict
    names: dict


@dataclass
class PathwaySpec:
    profile: str
    country: str
    subdivision: str
    urgency: str
    names: dict
    legal_notes: dict
    steps: list[StepSpec] = field(default_factory=list)
    source: str = ""


def authorities(country: str) -> dict[str, dict]:
    data = country_data(country)
    out = {p: _authority(v, f"{country}.authorities.{p}") for p, v in (data.get("authorities") or {}).items()}
    unknown = set(out) - set(ServiceKind.values)
    if unknown:
        raise DirectoryDataError(f"{country}.authorities: unknown purposes {sorted(unknown)}")
    return out


def pathway_specs(country: str) -> tuple[list[PathwaySpec], set[str]]:
    """The country's pathways (common ones with its authorities, plus its own subdivision
    pathways), and the profiles it says have no pathway (`profile: null`)."""
    base = common()
    purposes = base["purposes"]
    data = country_data(country)
    own = authorities(country)
    overrides = data.get("pathways") or {}
    specs, none = [], set()
    keys = [(code, "") for code in base["profiles"]]
    for key in overrides:
        code, _, sub = key.partition("@")
        if code not in base["profiles"]:
            raise DirectoryDataError(f"{country}.pathways.{key}: unknown profile {code!r}")
        if sub:
            keys.append((code, sub.upper()))
    for code, sub in keys:
        key = f"{code}@{sub}" if sub else code
        if key in overrides and overrides[key] is None:
            none.add(code)
            continue
        profile = base["profiles"][code]
        spec_over = overrides.get(key) or {}
        parent_over = (overrides.get(code) or {}) if sub else {}
        local = {
            **own,
            **{p: _authority(v, f"{country}.{code}") for p, v in (parent_over.get("authorities") or {}).items()},
            **{p: _authority(v, f"{country}.{key}") for p, v in (spec_over.get("authorities") or {}).items()},
        }
        step_purposes = spec_over.get("steps") or parent_over.get("steps") or profile["steps"]
        steps = []
        for purpose in step_purposes:
            if purpose not in ServiceKind.values:
                raise DirectoryDataError(f"{country}.{key}: unknown purpose {purpose!r}")
            if purpose not in local:
                raise DirectoryDataError(f"{country}.{key}: no authority for {purpose!r}")
            steps.append(StepSpec(purpose, local[purpose], _texts(purposes.get(purpose), f"purposes.{purpose}")))
        urgency = spec_over.get("urgency") or profile["urgency"]
        if urgency not in RESPONSE_HOURS:
            raise DirectoryDataError(f"{country}.{key}: unknown urgency {urgency!r}")
        specs.append(
            PathwaySpec(
                profile=code,
                country=country,
                subdivision=sub,
                urgency=urgency,
                names=_texts(spec_over.get("name") or profile["name"], f"{country}.{key}.name"),
                legal_notes=_texts(
                    spec_over.get("legal_note") or parent_over.get("legal_note") or profile["legal_note"],
                    f"{country}.{key}.legal_note",
                ),
                steps=steps,
                source=next((s.authority["source"] for s in steps if s.authority["source"]), ""),
            )
        )
    return specs, none


def contacts(country: str) -> dict[str, dict]:
    """For every profile: whom to contact when the country has no pathway for it (its own
    `contacts`, else the authority of the profile's main purpose)."""
    own = authorities(country)
    explicit = country_data(country).get("contacts") or {}
    out = {}
    for code, profile in common()["profiles"].items():
        if code in explicit:
            out[code] = _authority(explicit[code], f"{country}.contacts.{code}")
        elif profile["contact"] in own:
            out[code] = own[profile["contact"]]
    return out


def providers(country: str) -> list[dict]:
    return list(country_data(country).get("providers") or [])


def staff(countries=REGION) -> list[tuple[str, str, str, str]]:
    """The demo providers' staff users: (user name, organization slug, role, first name)."""
    out = []
    for country in countries:
        for p in providers(country):
            if p.get("demo") and p.get("staff"):
                s = p["staff"]
                out.append((s["username"], p["slug"], s.get("role", "provider_staff"), s.get("first_name", "")))
    return out


def _real_models():
    from amparo.accounts.models import Organization
    from amparo.protection.models import CountryDirectory, PathwayStep, Profile, ReferralPathway, Service

    return SimpleNamespace(
        Organization=Organization,
        Service=Service,
        Profile=Profile,
        ReferralPathway=ReferralPathway,
        PathwayStep=PathwayStep,
        CountryDirectory=CountryDirectory,
    )


def _load_pathways(M, country: str, profiles: dict, counts: dict) -> None:
    specs, none = pathway_specs(country)
    for spec in specs:
        profile = profiles.get(spec.profile)
        if profile is None:
            continue  # a profile the database does not have (retired by the country)
        translations = {
            lang: {"name": spec.names[lang], "legal_note": spec.legal_notes[lang]} for lang in LANGUAGES if lang != "en"
        }
        fields = {
            "name": spec.names["en"],
            "urgency": spec.urgency,
            "response_hours": RESPONSE_HOURS[spec.urgency],
            "legal_note": spec.legal_notes["en"],
            "translations": translations,
            "source_url": spec.source,
            "is_active": True,
        }
        pathway = M.ReferralPathway.objects.filter(
            profile=profile, country=country, subdivision=spec.subdivision
        ).first()
        if pathway is None:
            pathway = M.ReferralPathway.objects.create(
                profile=profile, country=country, subdivision=spec.subdivision, **fields
            )
            counts["pathways"] += 1
        elif any(getattr(pathway, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(pathway, k, v)
            pathway.save(update_fields=list(fields))
            counts["pathways_updated"] += 1
        wanted = [
            (
                i,
                s.purpose,
                s.names["en"],
                s.authority["name"][:200],
                s.authority["contact"][:300],
                s.authority["source"][:500],
                {lang: {"name": s.names[lang]} for lang in LANGUAGES if lang != "en"},
            )
            for i, s in enumerate(spec.steps, 1)
        ]
        current = [
            (st.order, st.service_kind, st.name, st.authority, st.contact, st.source_url, st.translations)
            for st in M.PathwayStep.objects.filter(pathway=pathway).order_by("order")
        ]
        if current != wanted:
            M.PathwayStep.objects.filter(pathway=pathway).delete()
            M.PathwayStep.objects.bulk_create(
                [
                    M.PathwayStep(
                        pathway=pathway,
                        order=order,
                        service_kind=purpose,
                        name=name,
                        authority=authority,
                        contact=contact,
                        source_url=source,
                        translations=translations,
                    )
                    for order, purpose, name, authority, contact, source, translations in wanted
                ]
            )
            counts["steps"] += len(wanted)
    # A profile the file says has no pathway: an existing one is switched off, never deleted.
    counts["no_pathway"] += len(none)
    M.ReferralPathway.objects.filter(country=country, subdivision="", profile__code__in=none, is_active=True).update(
        is_active=False
    )


def _load_providers(M, country: str, profiles: dict, counts: dict, now) -> None:
    for p in providers(country):
        if not p.get("demo"):
            raise DirectoryDataError(f"{country}.providers.{p.get('slug')}: only demo providers are loaded from files")
        org, created = M.Organization.objects.update_or_create(
            slug=p["slug"],
            defaults={
                "name": p["name"],
                "kind": p["kind"],
                "country": country,
                "city": p.get("city", ""),
                "latitude": p.get("lat"),
                "longitude": p.get("lon"),
                "email": f"{p['slug']}@{DEMO_EMAIL_DOMAIN}",
                "is_demo": True,
            },
        )
        counts["providers"] += created
        for s in p.get("services") or ():
            if s["kind"] not in ServiceKind.values:
                raise DirectoryDataError(f"{country}.{p['slug']}: unknown service kind {s['kind']!r}")
            total, free = (s.get("places") or (None, None))[:2]
            service, created = M.Service.objects.update_or_create(
                provider=org,
                name=s["name"],
                defaults={
                    "kind": s["kind"],
                    "country": country,
                    "subdivision": s.get("subdivision", p.get("subdivision", "")),
                    "municipality": s.get("municipality", p.get("city", "")),
                    "latitude": s.get("lat", p.get("lat")),
                    "longitude": s.get("lon", p.get("lon")),
                    "languages": s.get("languages", []),
                    "hours": s.get("hours", ""),
                    "sexes": s.get("sexes", []),
                    "min_age": s.get("min_age"),
                    "max_age": s.get("max_age"),
                    "email": org.email,
                    "is_active": True,
                    **(
                        {
                            "capacity_total": total,
                            "capacity_free": free,
                            "capacity_updated_at": now,
                            "capacity_updated_by_label": "demo",
                        }
                        if created and total is not None
                        else {}
                    ),
                },
            )
            counts["services"] += created
            served = [profiles[c] for c in s.get("profiles") or () if c in profiles]
            if set(service.profiles.values_list("pk", flat=True)) != {x.pk for x in served}:
                service.profiles.set(served)


def load(*, countries=REGION, demo: bool = False, models=None, now=None) -> dict[str, int]:
    """Write the countries' directories (and, with `demo`, their demo providers). Idempotent."""
    from django.utils import timezone

    M = models or _real_models()
    now = now or timezone.now()
    counts = dict.fromkeys(("pathways", "pathways_updated", "steps", "no_pathway", "providers", "services"), 0)
    profiles = {p.code: p for p in M.Profile.objects.all()}
    for country in countries:
        country = country.upper()
        _load_pathways(M, country, profiles, counts)
        data = country_data(country)
        fields = {
            "authorities": authorities(country),
            "contacts": contacts(country),
            "sources": list(data.get("sources") or []),
            "data_digest": digest(country),
        }
        row = M.CountryDirectory.objects.filter(country=country).first()
        if row is None:
            M.CountryDirectory.objects.create(country=country, loaded_at=now, **fields)
        elif any(getattr(row, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(row, k, v)
            row.loaded_at = now
            row.save(update_fields=[*fields, "loaded_at"])
        if demo:
            _load_providers(M, country, profiles, counts, now)
    return counts
