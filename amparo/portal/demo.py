"""Demo data of the portal: information pages for Mexico, Guatemala, Honduras and Costa Rica in
five languages (written by a civil-protection agency of each country and published after a
second person's review), and a self-registration waiting for the Guatemalan consulate in Mexico
City. Idempotent."""

from __future__ import annotations

from amparo.accounts.codes import OrganizationKind
from amparo.accounts.models import Organization
from amparo.accounts.policy import system_principal
from amparo.portal import services
from amparo.portal.codes import VersionStatus
from amparo.portal.data.demo_pages import COUNTRIES, TEXTS
from amparo.portal.models import LANGUAGES, InfoPageVersion

AUTHOR = system_principal("demo:portal-author")
REVIEWER = system_principal("demo:portal-reviewer")


def load(stdout) -> dict:
    pages = 0
    for country, facts in COUNTRIES.items():
        slug, name = facts["publisher"]
        organization, _ = Organization.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": OrganizationKind.CIVIL_PROTECTION, "country": country}
        )
        for topic in facts["topics"]:
            page = services.create_page(actor=AUTHOR, organization=organization, country=country, topic=topic)
            for language in LANGUAGES:
                title, body = TEXTS[topic][language]
                body = body.format(
                    emergency=facts["emergency"], civil=facts["civil"], asylum=facts["asylum"],
                    asylum_note=facts["asylum_note"][language],
                ).replace("\n\n\n\n", "\n\n")  # fmt: skip
                current = InfoPageVersion.objects.filter(
                    page=page, language=language, status=VersionStatus.PUBLISHED
                ).first()
                if current is not None and (current.title, current.body) == (title, body):
                    continue
                draft = services.save_draft(actor=AUTHOR, page=page, language=language, title=title, body=body)
                services.submit_for_review(actor=AUTHOR, version=draft)
                services.publish(actor=REVIEWER, version=draft)
                pages += 1
    registrations = _self_registration()
    stdout.write(f"portal: {pages} information page versions published, {registrations} self-registration waiting")
    return {"info_versions": pages, "self_registrations": registrations}


def _self_registration() -> int:
    """A Guatemalan woman in Tapachula who registered herself with her consulate in Mexico City."""
    from amparo.core import gazetteer
    from amparo.portal.models import SelfRegistration

    consulate = Organization.objects.filter(slug="gt-consulate-mexico-city").first()
    if consulate is None or SelfRegistration.objects.filter(organization=consulate).exists():
        return 0
    town = gazetteer.search("Tapachula", country="MX")[0]
    services.self_register(
        data=services.Registration(
            given_names="Yesenia", surnames="Ajú Tzoc", phone="+529626000123", nationality="GT", country="MX",
            subdivision=town.subdivision, municipality=town.name, latitude=town.lat, longitude=town.lon,
            precision_m=gazetteer.TOWN_PRECISION_M, language="es",
            consents={"crisis_alerts": True, "referrals": True, "sharing_host_authorities": False},
        ),
        organization=consulate,
    )  # fmt: skip
    return 1
