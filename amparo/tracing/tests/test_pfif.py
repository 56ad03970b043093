"""PFIF 1.4 in and out: Person Finder's own test files, a round trip validated against the schema,
idempotent re-import, nothing exported without consent or with a position, hostile files refused
with the line and the record, and nothing written when anything is wrong."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
import xmlschema

from amparo.accounts.policy import system_principal
from amparo.registry.models import Person
from amparo.tracing import pfif, services
from amparo.tracing.models import FoundNote, Inquiry
from amparo.tracing.tests.conftest import inquiry_data

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
SCHEMA = xmlschema.XMLSchema(DATA / "pfif-1.4.xsd")
SYSTEM = system_principal("test:pfif")


def _export(actor, **kwargs) -> str:
    out = io.StringIO()
    pfif.export_pfif(actor=actor, output=out, **kwargs)
    return out.getvalue()


def test_person_finders_test_file_imports_stripped_and_idempotent(world):
    source = (DATA / "personfinder-test.pfif-1.4.xml").read_bytes()
    result = pfif.import_pfif(actor=SYSTEM, organization=world.shelter, source=source)
    assert (result.people, result.inquiries, result.notes) == (1, 0, 4)
    person = Person.objects.get(source_record_id="test.google.com/person.21009")
    assert person.given_names == "_test_given_name" and person.first_surname == "_test_family_name"
    assert person.municipality == "_test_home_city"  # whitespace stripped
    assert person.country == "US" and person.birth_date == date(1970, 1, 1) and person.birth_date_precision == "month"
    assert "_test_full_name2" in person.other_names and "_test_alternate_name1" in person.other_names
    kinds = dict(FoundNote.objects.values_list("source_record_id", "kind"))
    assert kinds["test.google.com/note.27009"] == "missing" and kinds["test.google.com/note.40121"] == "found"
    assert kinds["test.google.com/note.31095"] == "comment"
    place = FoundNote.objects.get(source_record_id="test.google.com/note.31095").place
    assert place == "19.2 -71.9"  # coordinates coarsened
    again = pfif.import_pfif(actor=SYSTEM, organization=world.shelter, source=source)
    assert (again.people, again.notes, again.unchanged) == (0, 0, 5)
    assert Person.objects.count() == 1 and FoundNote.objects.count() == 4


def test_a_top_level_note_about_an_unknown_person_is_refused_and_nothing_is_written(world):
    source = (DATA / "personfinder-test.pfif-1.2-believed-dead.xml").read_bytes()
    with pytest.raises(pfif.PfifError) as refused:
        pfif.import_pfif(actor=SYSTEM, organization=world.shelter, source=source)
    assert "line 3, note test.google.com/note.218" in str(refused.value)
    assert not FoundNote.objects.exists()
    # Once the person is there, the same note is a deceased note for staff to confirm.
    pfif.import_pfif(
        actor=SYSTEM, organization=world.shelter, source=(DATA / "personfinder-test.pfif-1.4.xml").read_bytes()
    )
    pfif.import_pfif(actor=SYSTEM, organization=world.shelter, source=source)
    assert FoundNote.objects.get(source_record_id="test.google.com/note.218").kind == "deceased"


def test_round_trip_validates_and_reimports_idempotently(world, make_person, commit, make_org):
    consented = make_person(world.shelter, given_names="José", first_surname="Hernández", second_surname="López",
                            sex="male", birth_date=date(1999, 5, 4), municipality="Juchitán", country="MX",
                            subdivision="MX-OAX", latitude=16.43456, longitude=-95.01987,
                            consents={"sharing_host_authorities": (True, "written")})  # fmt: skip
    make_person(world.shelter, given_names="Secreto", first_surname="Sinconsentimiento")
    hidden = make_person(world.shelter, given_names="Nadie", first_surname="Debe Saber",
                         consents={"sharing_host_authorities": (True, "written")})  # fmt: skip
    services.record_found_note(actor=world.shelter_worker, person=consented, kind="found", place="16.43456, -95.01987",
                               text="Llegó el 9 de septiembre")  # fmt: skip
    services.record_found_note(actor=world.shelter_worker, person=hidden, wish="nobody")
    services.record_inquiry(actor=world.shelter_worker, organization=world.shelter,
                            data=inquiry_data(inquirer_consents_share=True))  # fmt: skip
    services.record_inquiry(actor=world.shelter_worker, organization=world.shelter,
                            data=inquiry_data(given_names="Private", inquirer_consents_share=False))  # fmt: skip

    xml = _export(world.shelter_worker)
    SCHEMA.validate(io.StringIO(xml))
    assert "José Hernández López" in xml and "Chepe" in xml
    assert "Sinconsentimiento" not in xml and "Debe Saber" not in xml and "Private" not in xml
    assert "16.43456" not in xml and "95.01987" not in xml and "16.4 -95.0" in xml

    elsewhere = make_org("cruz-roja-rfl", kind="ngo")
    first = pfif.import_pfif(actor=SYSTEM, organization=elsewhere, source=xml.encode())
    assert (first.people, first.inquiries, first.notes) == (1, 1, 1)
    copy = Person.objects.get(registering_organization=elsewhere)
    assert (copy.given_names, copy.first_surname, copy.second_surname) == ("José", "Hernández", "López")
    assert (copy.birth_date, copy.municipality, copy.latitude) == (date(1999, 5, 4), "Juchitán", None)
    inquiry = Inquiry.objects.get(organization=elsewhere)
    assert inquiry.nicknames == [] and inquiry.given_names == "Chepe" and (inquiry.age_min, inquiry.age_max) == (25, 30)
    again = pfif.import_pfif(actor=SYSTEM, organization=elsewhere, source=xml.encode())
    assert (again.people, again.inquiries, again.notes) == (0, 0, 0)
    # Exported from there, the records keep their ids: a second round trip changes nothing.
    back = _export(SYSTEM)
    SCHEMA.validate(io.StringIO(back))


HOSTILE = {
    "entities": (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
                 b'<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">&b;</pfif:pfif>', "refused"),
    "external": (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                 b'<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">&e;</pfif:pfif>', "refused"),
    "not xml": (b"<pfif:pfif xmlns:pfif='http://zesty.ca/pfif/1.4'><pfif:person>", "not well-formed"),
    "other root": (b"<people><person/></people>", "not a PFIF document"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_are_refused(world, name):
    source, words = HOSTILE[name]
    with pytest.raises(pfif.PfifError) as refused:
        pfif.import_pfif(actor=SYSTEM, organization=world.shelter, source=source)
    assert words in str(refused.value)


def test_a_bad_record_names_its_line_and_nothing_is_written(world, settings):
    source = b"""<?xml version="1.0"?>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">
  <pfif:person><pfif:person_record_id>a.org/1</pfif:person_record_id><pfif:full_name>Ana Ruiz</pfif:full_name></pfif:person>
  <pfif:person><pfif:person_record_id>no-slash</pfif:person_record_id>
    <pfif:full_name>Bad</pfif:full_name><pfif:sex>f</pfif:sex></pfif:person>
</pfif:pfif>"""
    with pytest.raises(pfif.PfifError) as refused:
        pfif.import_pfif(actor=SYSTEM, organization=world.shelter, source=source)
    errors = refused.value.errors
    assert errors[0].startswith("line 4, person no-slash: person_record_id must be")
    assert any("sex 'f'" in e for e in errors)
    assert not Person.objects.exists()
    settings.TRACING_PFIF_MAX_BYTES = 100
    with pytest.raises(pfif.PfifError, match="larger than"):
        pfif.import_pfif(actor=SYSTEM, organization=world.shelter, source=io.BytesIO(source))


def test_information_sought_opens_an_inquiry_matched_against_the_registry(world, found_person, commit):
    source = """<?xml version="1.0"?>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person>
 <pfif:person_record_id>rfl.icrc.org/p.77</pfif:person_record_id><pfif:full_name>José Hernández</pfif:full_name>
 <pfif:given_name>José</pfif:given_name><pfif:family_name>Hernández</pfif:family_name><pfif:age>26-28</pfif:age>
 <pfif:note><pfif:note_record_id>rfl.icrc.org/n.1</pfif:note_record_id><pfif:author_name>Rosa</pfif:author_name>
 <pfif:source_date>2026-09-10T10:00:00Z</pfif:source_date><pfif:status>information_sought</pfif:status>
 <pfif:last_known_location>Juchitán</pfif:last_known_location><pfif:text>Busco a mi hijo</pfif:text></pfif:note>
</pfif:person></pfif:pfif>""".encode()
    with commit():
        result = pfif.import_pfif(actor=SYSTEM, organization=world.consulate, source=source)
    inquiry = Inquiry.objects.get(pk=result.inquiry_ids[0])
    assert inquiry.source == "pfif" and inquiry.inquirer_name == "Rosa" and inquiry.last_seen_place == "Juchitán"
    assert inquiry.candidates.filter(person=found_person).exists()
