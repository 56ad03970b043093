"""Demo cases for the people the protection demo screened: open cases at several steps (each with
the person's consent; a child's assessment with its best-interests assessment), plan actions (one
overdue), follow-ups, notes (one sensitive), a plan review that is overdue, and a closed case."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from amparo.accounts.models import Organization
from amparo.cases import services
from amparo.cases.models import Case, Step
from amparo.cases.queries import open_items
from amparo.registry.models import Person


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def load(stdout) -> dict:
    ngo = Organization.objects.filter(slug="mx-ngo-sin-fronteras").first()
    worker, supervisor = _user("caseworker"), _user("supervisor")
    if ngo is None or worker is None:
        stdout.write("no demo organization")
        return {}
    people = {
        p.source_record_id: p
        for p in Person.objects.filter(registering_organization=ngo, source_record_id__startswith="demo-protection-")
    }
    if not people or Case.objects.filter(person__in=people.values()).exists():
        stdout.write("cases already loaded" if people else "no screened demo people")
        return {}
    today = timezone.localdate()
    made = []
    kevin = people.get("demo-protection-1")
    if kevin:
        case = services.open_case(
            actor=worker,
            consent_method="verbal",
            person=kevin,
            supervisor=supervisor,
            summary="Adolescente no acompañado; reunificación familiar o protección de la Procuraduría.",
        )
        assessment = {
            "needs": {
                "family": {"level": "urgent", "note": "Madre en Honduras; tía en Monterrey"},
                "shelter": {"level": "high", "note": "Albergue de adultos: no es adecuado"},
                "documentation": "high",
                "education": "low",
            },
            "risks": "Viaja solo; reclutamiento en la ruta",
            "strengths": "En contacto diario con su madre; terminó la primaria",
        }
        if services.is_child(case):
            assessment["bia"] = {
                "child_heard": True,
                "child_views": "Quiere reunirse con su tía en Monterrey y estudiar.",
                "care_arrangement": "shelter",
                "family_situation": "Madre en San Pedro Sula, en contacto; padre ausente; tía en Monterrey.",
                "safety": "Riesgo de reclutamiento si sigue solo.",
                "authority_informed": True,
                "recommended_measure": "family_reunification",
                "recommendation": "Valorar a la tía como cuidadora con la Procuraduría de Protección.",
            }
        services.record_assessment(actor=worker, case=case, **assessment)
        for step in (Step.CASE_PLAN, Step.IMPLEMENTATION):
            services.advance_step(actor=worker, case=case, to_step=step)
        services.add_action(
            actor=worker,
            case=case,
            description="Acompañar a la cita con la Procuraduría (DIF Guerrero)",
            owner=worker,
            due_date=today - timedelta(days=2),
        )
        services.add_action(
            actor=worker,
            case=case,
            description="Localizar a la familia (búsqueda familiar)",
            owner=worker,
            due_date=today + timedelta(days=10),
        )
        services.add_follow_up(actor=worker, case=case, due_date=today + timedelta(days=3), kind="visit")
        services.add_note(actor=worker, case=case, text="Se entrevistó en el albergue; está tranquilo.")
        made.append(case)
    rosa = people.get("demo-protection-4")
    if rosa:
        case = services.open_case(
            actor=worker,
            consent_method="verbal",
            person=rosa,
            supervisor=supervisor,
            summary="Embarazo de 7 meses, sin recursos para continuar.",
        )
        services.record_assessment(
            actor=worker,
            case=case,
            needs={"health": "urgent", "shelter": "high", "food": "high", "livelihood": "low"},
            risks="Embarazo de 7 meses sin control prenatal",
            strengths="Su pareja trabaja en Tapachula",
        )
        services.advance_step(actor=worker, case=case, to_step=Step.CASE_PLAN)
        Case.objects.filter(pk=case.pk).update(next_review_due=today - timedelta(days=5))
        services.add_follow_up(actor=worker, case=case, due_date=today - timedelta(days=1), kind="call")
        services.add_note(
            actor=worker,
            case=case,
            sensitivity="sensitive",
            text="Refiere violencia de su pareja en el país de origen; no desea denunciar.",
        )
        made.append(case)
    maria = people.get("demo-protection-6")
    if maria:
        case = services.open_case(actor=worker, person=maria, supervisor=supervisor, consent_method="written")
        services.advance_step(actor=worker, case=case, to_step=Step.ASSESSMENT)
        made.append(case)
    jean = people.get("demo-protection-5")
    if jean:
        case = services.open_case(actor=worker, person=jean, consent_method="verbal")
        # His referral from the screening stays with the shelter: closing says why, as staff must.
        services.close_case(
            actor=worker,
            case=case,
            reason="person_left",
            note="Continuó su viaje.",
            no_follow_up_reason="Sin teléfono ni dirección en destino.",
            open_item_reasons={i.key: "Sigue con el proveedor aunque la persona se fue." for i in open_items(case)},
        )
        made.append(case)
    stdout.write(f"cases: {len(made)}")
    return {"cases": len(made)}
