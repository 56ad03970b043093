"""Who a broadcast reaches, on which channel, in which language — and who it cannot reach, and why.

The audience starts from the people the sending user may see (`Person.objects.visible_to`), then
narrows to a crisis's affected people or a registry search. Each person gets one message on their
preferred consented channel that the organization has configured, in the first language of their
chain the template has; the other usable channels become the fallback route. A person without
active `crisis_alerts` consent is never planned (reason `no_consent`).

Everything here is set-based: three queries whatever the audience's size, then one pass in Python
that builds the rows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from amparo.accounts.codes import ConsentPurpose, RecordStatus
from amparo.messaging.models import Channel, ChannelKind, Message, TemplatePurpose
from amparo.messaging.rendering import (
    choose_language,
    language_chain,
    message_text,
    placeholders_in,
    primary,
    render,
    uses_gsm7,
)
from amparo.messaging.sms import sms_length
from amparo.registry.models import Consent, ContactKind, ContactPoint, Person

DEFAULT_ROUTE = (ChannelKind.WHATSAPP, ChannelKind.SMS, ChannelKind.EMAIL)
REASONS = ("no_consent", "no_contact", "no_channel", "no_language")
SEARCH_FIELDS = ("q", "nationality", "country", "subdivision", "municipality")


@dataclass
class Planned:
    person_id: int
    kind: str
    address: str
    language: str
    fallback: list
    values: dict


@dataclass
class Plan:
    rows: list[Planned] = field(default_factory=list)
    by_channel: Counter = field(default_factory=Counter)
    by_language: Counter = field(default_factory=Counter)
    by_channel_language: Counter = field(default_factory=Counter)  # (kind, language): who gets what where
    other_language: int = 0  # people who get a language other than their preferred one
    unreachable: Counter = field(default_factory=Counter)

    def summary(self) -> dict:
        return {
            "reachable": len(self.rows),
            "by_channel": dict(self.by_channel),
            "by_language": dict(self.by_language),
            "by_channel_language": {
                kind: {lang: n for (k, lang), n in sorted(self.by_channel_language.items()) if k == kind}
                for kind in self.by_channel
            },
            "other_language": self.other_language,
            "unreachable": {reason: self.unreachable.get(reason, 0) for reason in REASONS},
            "unreachable_total": sum(self.unreachable.values()),
        }


def audience_people(user, broadcast) -> QuerySet[Person]:
    """The broadcast's audience as the user may see it (before consent and contacts)."""
    audience = broadcast.audience or {}
    people = Person.objects.visible_to(user).exclude(record_status__in=[RecordStatus.MERGED, RecordStatus.DECEASED])
    # Even for the system actor: a drill's broadcast reaches its synthetic people only, and a real
    # broadcast never reaches a synthetic person.
    if broadcast.organization.is_exercise:
        people = people.filter(registering_organization_id=broadcast.organization_id)
    else:
        people = people.exclude(registering_organization__is_exercise=True)
    if broadcast.crisis_id:
        from amparo.messaging import crisis_link

        people = crisis_link.affected(user, broadcast, people)
    if audience.get("nationality"):
        people = people.of_nationality(audience["nationality"].upper())
    if audience.get("country"):
        people = people.filter(country=audience["country"].upper())
    if audience.get("subdivisions"):
        people = people.filter(subdivision__in=[s.upper() for s in audience["subdivisions"]])
    if audience.get("language"):
        people = people.filter(preferred_language__istartswith=audience["language"])
    if audience.get("person_ids"):
        people = people.filter(pk__in=audience["person_ids"])
    if audience.get("search"):
        # A registry search saved on the broadcast: the registry's own search (name, phone or
        # document in `q`, nationality, country, subdivision, municipality).
        from amparo.registry.queries import PersonFilters, search_people

        known = {k: v for k, v in audience["search"].items() if k in SEARCH_FIELDS and v}
        people = search_people(user, PersonFilters(**known), base=people).order_by()
    return people


def org_channels(organization_id: int) -> dict[str, Channel]:
    """The organization's active channel for each kind (lowest priority number wins)."""
    chosen: dict[str, Channel] = {}
    for channel in Channel.objects.filter(organization_id=organization_id, is_active=True).order_by("priority", "id"):
        chosen.setdefault(channel.kind, channel)
    return chosen


def _routes(contacts: list[tuple], preferred: str, kinds: set[str]) -> tuple[list[tuple[str, str]], bool]:
    """Usable (kind, address) pairs in order, and whether the person has any contact at all."""
    phones = [c for c in contacts if c[0] == ContactKind.PHONE]
    emails = [c for c in contacts if c[0] == ContactKind.EMAIL]
    order = [preferred] if preferred in DEFAULT_ROUTE else []
    order += [k for k in DEFAULT_ROUTE if k not in order]
    route: list[tuple[str, str]] = []
    for kind in order:
        if kind not in kinds:
            continue
        if kind == ChannelKind.WHATSAPP:
            candidates = [c[1] for c in phones if c[2]]
        elif kind == ChannelKind.SMS:
            candidates = [c[1] for c in phones]
        else:
            candidates = [c[1] for c in emails]
        if candidates:
            route.append((kind, candidates[0]))
    return route, bool(contacts)


def plan_broadcast(user, broadcast, *, people: QuerySet[Person] | None = None) -> Plan:
    people = audience_people(user, broadcast) if people is None else people
    channels = org_channels(broadcast.organization_id)
    languages = set(broadcast.template.variants.values_list("language", flat=True))
    fallback_languages = broadcast.language_fallback or []
    consent = Consent.objects.active(ConsentPurpose.CRISIS_ALERTS).filter(person=OuterRef("pk"))
    # `languages` comes as its JSON text: a handful of distinct language profiles cover a whole
    # audience, so each is parsed once, not once per person.
    rows = people.annotate(consented=Exists(consent), languages_text=Cast("languages", TextField())).values_list(
        "pk", "given_names", "first_surname", "second_surname", "preferred_language", "languages_text",
        "preferred_channel", "consented",
    )  # fmt: skip
    contacts: dict[int, list[tuple]] = defaultdict(list)
    contact_rows = (
        ContactPoint.objects.filter(person__in=people.values("pk"), is_valid=True)
        .order_by("person_id", "-is_primary", "id")
        .values_list("person_id", "kind", "value", "whatsapp")
    )
    for person_id, kind, value, whatsapp in contact_rows.iterator(chunk_size=5000):
        contacts[person_id].append((kind, value, whatsapp))
    plan = Plan()
    kinds = set(channels)
    chosen: dict[tuple, tuple[str | None, bool]] = {}

    def language_for(preferred_lang: str, spoken_text: str | None) -> tuple[str | None, bool]:
        """The language a person gets, and whether it is another than their own."""
        spoken = (json.loads(spoken_text) if spoken_text else None) or []
        language = choose_language(languages, language_chain(preferred_lang, spoken, fallback_languages))
        return language, primary(preferred_lang or (spoken or [""])[0]) not in ("", language)

    for pk, given, first, second, preferred_lang, spoken_text, preferred_channel, consented in rows.iterator(
        chunk_size=5000
    ):
        if not consented:
            plan.unreachable["no_consent"] += 1
            continue
        route, has_contact = _routes(contacts.get(pk, []), preferred_channel, kinds)
        if not route:
            plan.unreachable["no_channel" if has_contact else "no_contact"] += 1
            continue
        key = (preferred_lang, spoken_text)
        if key not in chosen:
            chosen[key] = language_for(preferred_lang, spoken_text)
        language, other = chosen[key]
        if language is None:
            plan.unreachable["no_language"] += 1
            continue
        if other:
            plan.other_language += 1
        kind, address = route[0]
        plan.rows.append(
            Planned(
                person_id=pk,
                kind=kind,
                address=address,
                language=language,
                fallback=[list(r) for r in route[1:]] if broadcast.allow_fallback else [],
                values={
                    "given_name": given,
                    "full_name": " ".join(p for p in (given, first, second) if p),
                },
            )
        )
        plan.by_channel[kind] += 1
        plan.by_language[language] += 1
        plan.by_channel_language[kind, language] += 1
    return plan


TOKEN_LENGTH = 24  # URL-safe characters (144 bits): every link has the same length
CHECKIN_SLOT = "{checkin_link}"  # stays in the stored body; the link is written in when sending


def checkin_token(idempotency_key: str) -> str:
    """The personal link's token of one outbox message: an HMAC of its idempotency key under the
    secret key. Neither the token nor the link is ever stored (the body keeps CHECKIN_SLOT, the
    row only the token's hash), so a copy of the database reveals no link; the dispatcher
    derives the same token at every attempt, so a retried message carries the same link."""
    mac = hmac.new(settings.SECRET_KEY.encode(), f"amparo-checkin:{idempotency_key}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode()[:TOKEN_LENGTH]


def body_to_send(message) -> str:
    """The message's text with its check-in link written in (what goes on the wire, never saved)."""
    if CHECKIN_SLOT not in message.body or not message.checkin_hash:
        return message.body
    return message.body.replace(CHECKIN_SLOT, checkin_url(checkin_token(message.idempotency_key)))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def checkin_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("messaging:checkin", args=[token])


def common_values(org, crisis_name: str = "") -> dict[str, str]:
    return {
        "crisis": crisis_name,
        "organization": org.name,
        "consulate_name": org.name,
        "consulate_phone": org.phone or "",
        "consulate_address": org.address or "",
    }


@dataclass
class Texts:
    """How a broadcast's texts are made, once per broadcast: the variants, the values everyone
    shares, the check-in link's prefix and, per language, whether its SMS is written in GSM-7."""

    broadcast: object
    variants: dict
    shared: dict
    link_prefix: str
    gsm7: dict[str, bool]

    @classmethod
    def of(cls, broadcast) -> Texts:
        template = broadcast.template
        variants = {v.language: v for v in template.variants.all()}
        sms_channel = org_channels(broadcast.organization_id).get(ChannelKind.SMS)
        channel_alphabet = sms_channel.sms_alphabet if sms_channel is not None else "auto"
        return cls(
            broadcast=broadcast,
            variants=variants,
            shared=common_values(
                broadcast.organization, broadcast.crisis.name if broadcast.crisis_id else broadcast.title
            ),
            link_prefix=checkin_url("TOKEN").removesuffix("TOKEN/"),  # reverse() once, not per person
            gsm7={
                language: uses_gsm7(
                    language=language, template_alphabet=template.sms_alphabet, channel_alphabet=channel_alphabet
                )
                for language in variants
            },
        )

    @property
    def is_checkin(self) -> bool:
        return self.broadcast.template.purpose == TemplatePurpose.CHECKIN

    def body(self, row: Planned, *, stored: bool = False) -> str:
        """The text as sent (a sample link of the real length), or as `stored` in the outbox,
        where the link's place is kept by CHECKIN_SLOT: dispatch writes the link in."""
        values = {**self.shared, **row.values}
        if self.is_checkin:
            values["checkin_link"] = CHECKIN_SLOT if stored else sample_link(self.link_prefix)
        return message_text(
            self.variants[row.language].body, values, kind=row.kind, language=row.language,
            gsm7=self.gsm7[row.language],
        )  # fmt: skip


def sms_estimate(broadcast, plan: Plan) -> dict:
    """The SMS parts a broadcast will cost, per language, before it is confirmed: each person's
    own text (their name, a check-in link of its real length, GSM-7 where it applies), counted
    as networks bill it; with the parts the same texts would cost with every accent kept."""
    texts = Texts.of(broadcast)
    names = sorted(
        {"given_name", "full_name"} & set().union(*(placeholders_in(v.body) for v in texts.variants.values()))
    )
    counted: dict[tuple, tuple[int, str, int]] = {}
    by_language: dict[str, dict] = {}
    for row in plan.rows:
        if row.kind != ChannelKind.SMS:
            continue
        key = (row.language, *(row.values.get(name, "") for name in names))
        if key not in counted:
            sent = sms_length(texts.body(row))
            with_accents = sent
            if texts.gsm7[row.language]:
                with_accents = sms_length(replace(texts, gsm7={**texts.gsm7, row.language: False}).body(row))
            counted[key] = (sent.segments, sent.encoding, with_accents.segments)
        parts, encoding, parts_with_accents = counted[key]
        entry = by_language.setdefault(
            row.language,
            {"people": 0, "parts": 0, "max_parts": 0, "ucs2": 0, "parts_with_accents": 0,
             "gsm7_writing": texts.gsm7[row.language]},
        )  # fmt: skip
        entry["people"] += 1
        entry["parts"] += parts
        entry["max_parts"] = max(entry["max_parts"], parts)
        entry["ucs2"] += encoding == "UCS-2"
        entry["parts_with_accents"] += parts_with_accents
    return {
        "by_language": by_language,
        "people": sum(e["people"] for e in by_language.values()),
        "parts": sum(e["parts"] for e in by_language.values()),
        "parts_with_accents": sum(e["parts_with_accents"] for e in by_language.values()),
    }


def sample_link(prefix: str) -> str:
    return f"{prefix}{'x' * TOKEN_LENGTH}/"


def sms_parts(rows: list[dict]) -> dict[str, int]:
    """The parts the queued SMS rows cost, per language (what the estimate predicted), counted
    with their check-in link written in as it will be when sent."""
    link = sample_link(checkin_url("TOKEN").removesuffix("TOKEN/"))
    parts: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["kind"] == ChannelKind.SMS:
            parts[row["language"]] += sms_length(row["body"].replace(CHECKIN_SLOT, link)).segments
    return dict(parts)


def outbox_rows(broadcast, plan: Plan, *, now=None) -> list[dict]:
    """The outbox rows for a plan, as plain dicts of the fields that differ from the defaults (no
    model instances: at 100,000 recipients their construction costs more than the insert). One
    deterministic idempotency key per broadcast and person, so the same broadcast can never be
    queued twice for anyone."""
    now = now or timezone.now()
    texts = Texts.of(broadcast)
    variants = texts.variants
    channel_ids = {kind: channel.pk for kind, channel in org_channels(broadcast.organization_id).items()}
    is_checkin = texts.is_checkin
    expires = now + timedelta(hours=broadcast.checkin_valid_hours) if is_checkin else None
    purpose = broadcast.template.purpose
    rows = []
    for row in plan.rows:
        variant = variants[row.language]
        values = {**texts.shared, **row.values}
        digest = None
        key = f"b{broadcast.pk}-p{row.person_id}"
        if is_checkin:
            digest = token_hash(checkin_token(key))
        rows.append(
            {
                "organization_id": broadcast.organization_id,
                "broadcast_id": broadcast.pk,
                "crisis_id": broadcast.crisis_id,
                "person_id": row.person_id,
                "channel_id": channel_ids[row.kind],
                "kind": row.kind,
                "to_address": row.address,
                "language": row.language,
                "subject": render(variant.subject, values),
                "body": texts.body(row, stored=True),
                "purpose": purpose,
                "idempotency_key": key,
                "next_attempt_at": now,
                "created_at": now,
                "fallback": row.fallback,
                "checkin_hash": digest,
                "checkin_expires_at": expires,
            }
        )
    return rows


def build_messages(broadcast, plan: Plan, *, now=None) -> list[Message]:
    """The outbox rows as (unsaved) Message instances."""
    return [Message(**row) for row in outbox_rows(broadcast, plan, now=now)]


def write_outbox(rows: list[dict]) -> int:
    """Insert outbox rows in bulk: PostgreSQL's COPY there, `bulk_create` elsewhere."""
    from django.db import connection

    if connection.vendor != "postgresql":
        Message.objects.bulk_create([Message(**row) for row in rows], batch_size=2000)
        return len(rows)
    fields = [f for f in Message._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    # COPY's text format, values prepared here: JSON as its text (the server parses it into
    # jsonb), each distinct time formatted once, the defaults of the columns a row does not set
    # converted once for all rows.
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    times: dict[datetime, str] = {}

    def text(name, value):
        if name in json_fields:
            return "[]" if value == [] else json.dumps(value)
        if isinstance(value, datetime):
            if value not in times:
                times[value] = value.isoformat()
            return times[value]
        return value

    position = {f.attname: i for i, f in enumerate(fields)}
    base = [text(f.attname, f.get_default()) for f in fields]
    with connection.cursor() as cursor, cursor.copy(f"COPY {Message._meta.db_table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = base.copy()
            for name, value in row.items():
                values[position[name]] = (
                    text(name, value) if name in json_fields or isinstance(value, datetime) else value
                )
            copy.write_row(values)
    return len(rows)
