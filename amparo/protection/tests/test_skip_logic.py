"""The screening form asks each person only what concerns them (skip logic by age and sex, and
follow-ups), in neutral sections; the server drops answers to questions that do not apply;
half-done screenings are saved as drafts and resumed; the new indicators reach the result."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from amparo.protection import services
from amparo.protection.models import Indicator, Screening, ScreeningDraft
from amparo.protection.rules import asked, asked_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def man(make_person, ngo):
    return make_person(ngo, given_names="Jean", first_surname="Pierre", birth_date=date(1985, 4, 9), sex="male")


@pytest.fixture
def woman(make_person, ngo):
    return make_person(ngo, given_names="Rosa", first_surname="Flores", birth_date=date(1990, 11, 3), sex="female")


def _asked(facts):
    return asked_questions({i.code: i.ask_when for i in Indicator.objects.filter(is_active=True)}, facts)


def test_pregnancy_is_not_asked_of_men_nor_young_children_but_is_when_sex_is_unknown():
    assert "pregnant" not in _asked({"sex": "male", "age": 30})
    assert "pregnant" not in _asked({"sex": "female", "age": 6})
    assert "pregnant" in _asked({"sex": "female", "age": 25})
    assert "pregnant" in _asked({"sex": "unknown"})  # when we do not know, we ask


def test_child_questions_only_for_minors_stated_or_apparent():
    assert "without_guardian" in _asked({"age": 15})
    assert "without_guardian" not in _asked({"age": 34})
    assert "without_guardian" in _asked({"age": 19, "appears_minor": "yes"})
    assert "without_guardian" in _asked({})  # age unknown: ask


def test_follow_ups_only_after_their_question_and_never_after_a_skipped_one():
    assert "pregnancy_late" not in _asked({"sex": "female", "age": 25})
    assert "pregnancy_late" in _asked({"sex": "female", "age": 25, "pregnant": "yes"})
    assert "pregnancy_late" not in _asked({"sex": "male", "age": 25, "pregnant": "yes"})  # pregnant is skipped
    assert "sexual_violence_hours" in _asked({"sexual_violence": "yes"})
    assert "sexual_violence_hours" not in _asked({"sexual_violence": "prefers_not"})
    assert "disability_type" in _asked({"disability": "yes"})
    assert "sole_caregiver" in _asked({"dependants": "yes"}) and "sole_caregiver" not in _asked({})
    assert "controller_present" in _asked({"someone_speaks_for_them": "yes"})


def test_a_clause_of_several_conditions_needs_one():
    clause = [[{"q": "a", "op": "eq", "value": "yes"}, {"q": "b", "op": "eq", "value": "yes"}]]
    assert asked(clause, {"b": "yes"}) and not asked(clause, {"a": "no"})


def test_answers_to_questions_that_do_not_apply_are_not_stored(caseworker, man):
    screening = services.screen_person(
        actor=caseworker,
        person=man,
        answers={"pregnant": "yes", "pregnancy_late": "yes", "without_guardian": "yes", "fears_return": "yes"},
    )
    assert screening.answers == {"fears_return": "yes"}
    assert [s.profile.code for s in screening.suggestions.all()] == ["international_protection"]


def test_the_age_answered_overrides_the_registry(caseworker, man):
    """Registered as 40, the person says 16: the child questions apply and are kept."""
    screening = services.screen_person(actor=caseworker, person=man, answers={"age": 16, "without_guardian": "yes"})
    assert screening.answers == {"age": 16, "without_guardian": "yes"}
    assert screening.urgent_flags == ["unaccompanied_child"]


def test_type_of_disability_and_interpreter_language_are_lists_of_known_options(caseworker, woman):
    screening = services.screen_person(
        actor=caseworker,
        person=woman,
        answers={
            "disability": "yes",
            "disability_type": ["hearing", "seeing"],
            "needs_interpretation": "yes",
            "interpretation_language": "sign",
        },
    )
    assert screening.answers["disability_type"] == ["hearing", "seeing"]
    assert screening.answers["interpretation_language"] == "sign"
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="disability_type"):
        services.screen_person(
            actor=caseworker, person=woman, answers={"disability": "yes", "disability_type": ["flying"]}
        )


def test_the_form_uses_neutral_sections_and_hides_what_does_not_apply(client, caseworker, man):
    client.force_login(caseworker)
    html = client.get(reverse("protection:screening_new", args=[man.pk])).content.decode()
    for profile_name in ("Possible victim of trafficking", "Posible víctima de trata", "Unaccompanied or separated"):
        assert profile_name not in html
    assert 'data-section="health"' in html and 'data-section="work"' in html
    assert 'data-question="pregnant"' in html  # drawn (the page may change), hidden for him
    assert 'data-question="pregnant" data-ask-when=' in html
    section = html.split('data-question="pregnant"')[1].split(">")[0]
    assert " hidden" in section
    fears = html.split('data-question="fears_return"')[1].split(">")[0]
    assert " hidden" not in fears
    assert "protection/screening.js" in html


def test_a_posted_answer_that_does_not_apply_is_dropped_by_the_page_too(client, caseworker, man):
    client.force_login(caseworker)
    client.post(
        reverse("protection:screening_new", args=[man.pk]),
        {"q_age": "40", "q_pregnant": "yes", "q_robbed_in_transit": "yes", "wishes_asylum": "not_asked"},
    )
    assert Screening.objects.get().answers == {"age": 40, "robbed_in_transit": "yes"}


def test_save_as_draft_and_resume(client, caseworker, woman):
    client.force_login(caseworker)
    url = reverse("protection:screening_new", args=[woman.pk])
    response = client.post(
        url,
        {"q_age": "35", "q_fears_return": "yes", "wishes_asylum": "undecided", "note": "to finish", "save_draft": "1"},
    )
    assert response.status_code == 302 and not Screening.objects.exists()
    draft = ScreeningDraft.objects.get()
    assert draft.answers == {"age": 35, "fears_return": "yes"} and draft.organization == woman.registering_organization
    page = client.get(url).content.decode()
    assert 'id="draft-notice"' in page
    assert re.search(r'name="q_fears_return" value="yes"[^>]*checked', page)
    assert "to finish" in page
    client.post(url, {"q_age": "35", "q_fears_return": "yes", "q_pregnant": "no", "wishes_asylum": "yes"})
    screening = Screening.objects.get()
    assert screening.answers == {"age": 35, "fears_return": "yes", "pregnant": "no"}
    assert not ScreeningDraft.objects.exists()


def test_another_organization_never_sees_the_draft(make_org, make_user, caseworker, woman):
    from amparo.accounts import policy
    from amparo.accounts.codes import Role

    services.save_draft(actor=caseworker, person=woman, answers={"fears_return": "yes"})
    outsider = make_user(make_org("other"), Role.CASE_WORKER)
    assert not policy.visible(outsider, ScreeningDraft).exists()
    assert policy.visible(caseworker, ScreeningDraft).count() == 1


def test_the_registry_household_prefills_children_travelling_with_the_person(
    client, caseworker, woman, make_person, ngo
):
    from amparo.registry.models import Household

    household = Household.objects.create(registering_organization=ngo)
    kid = make_person(
        ngo, given_names="Luis", first_surname="Flores", birth_date=date.today() - timedelta(days=365 * 6)
    )
    for member in (woman, kid):
        member.household = household
        member.save(update_fields=["household"])
    client.force_login(caseworker)
    page = client.get(reverse("protection:screening_new", args=[woman.pk])).content.decode().replace("\n", "")
    assert 'id="household-hint"' in page
    assert re.search(r'name="q_travelling_with_children" value="yes"[^>]*checked', page)
    assert re.search(r'name="q_sole_caregiver" value="yes"[^>]*checked', page)


def test_the_72_hour_window_is_a_visible_deadline_on_the_result(client, caseworker, woman):
    screening = services.screen_person(
        actor=caseworker, person=woman, answers={"sexual_violence": "yes", "sexual_violence_hours": 20}
    )
    assert screening.urgent_flags == ["pep_window"] and screening.priority == 4
    deadlines = dict(screening.care_deadlines())
    assert abs((deadlines["pep"] - (screening.screened_at + timedelta(hours=52))).total_seconds()) < 1
    assert abs((deadlines["contraception"] - (screening.screened_at + timedelta(hours=100))).total_seconds()) < 1
    client.force_login(caseworker)
    page = client.get(reverse("protection:screening_detail", args=[screening.pk])).content.decode()
    assert 'data-deadline="pep"' in page and 'data-deadline="contraception"' in page
    later = Screening.objects.filter(pk=screening.pk)
    later.update(screened_at=timezone.now() - timedelta(hours=60))
    page = client.get(reverse("protection:screening_detail", args=[screening.pk])).content.decode()
    assert page.count("window-closed") == 1  # 72 h closed, 120 h still open


def test_every_question_reads_in_five_languages():
    from amparo.protection.models import Profile

    for ind in Indicator.objects.filter(is_active=True):
        for lang in ("es", "fr", "ht", "pt"):
            assert ind.translations[lang]["question"] and ind.translations[lang]["why"], (ind.code, lang)
            for option in ind.options:
                assert option["labels"][lang], (ind.code, option["value"], lang)
    for profile in Profile.objects.all():
        assert all(profile.translations[lang]["name"] for lang in ("es", "fr", "ht", "pt")), profile.code


def test_read_aloud_shows_the_questions_in_the_persons_language(client, caseworker, woman):
    woman.preferred_language = "fr"
    woman.save(update_fields=["preferred_language"])
    client.force_login(caseworker)
    page = client.get(reverse("protection:screening_new", args=[woman.pk]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "¿Tiene miedo de lo que podría pasarle" in page  # the staff's language
    assert 'class="read-aloud" lang="fr"' in page
    assert "Avez-vous peur de ce qui pourrait vous arriver" in page
    assert "Observation : la personne" not in page  # observations are never read aloud
    page = client.get(reverse("protection:screening_new", args=[woman.pk]), {"read": "ht"}).content.decode()
    assert "Èske ou pè sa ki ka rive w si ou ta tounen nan peyi w?" in page


def test_a_database_seeded_with_the_earlier_defaults_is_brought_up_to_date_keeping_country_edits():
    from amparo.protection import screening_defaults
    from amparo.protection.models import Profile, ScreeningRule

    # As migration 0002 finds it: an old double question and its rule, an old wording, Spanish only.
    Indicator.objects.filter(code="robbed_in_transit").delete()
    old = Indicator.objects.create(code="crime_in_transit", question="During the journey, were you robbed…?")
    ScreeningRule.objects.filter(code="crime_in_transit").update(conditions=[{"q": "crime_in_transit", "value": "yes"}])
    Indicator.objects.filter(code="threats_persecution").update(
        question=screening_defaults.PREVIOUS_ENGLISH["threats_persecution"], ask_when=[], translations={}
    )
    Indicator.objects.filter(code="fears_return").update(question="Edited by the country?", translations={})
    Profile.objects.filter(code="sgbv").update(translations={"es": {"name": "Nombre del país"}})

    screening_defaults.sync(Profile, Indicator, ScreeningRule)

    old.refresh_from_db()
    assert not old.is_active
    assert Indicator.objects.get(code="robbed_in_transit").is_active
    assert {c["q"] for c in ScreeningRule.objects.get(code="crime_in_transit").conditions} >= {"robbed_in_transit"}
    reworded = Indicator.objects.get(code="threats_persecution")
    assert reworded.question == "Were you threatened or persecuted before you left?"
    assert reworded.translations["ht"]["question"]
    edited = Indicator.objects.get(code="fears_return")
    assert edited.question == "Edited by the country?" and edited.translations["fr"]["question"]
    names = Profile.objects.get(code="sgbv").translations
    assert names["es"]["name"] == "Nombre del país" and names["pt"]["name"]
