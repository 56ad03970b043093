"""Small-cell suppression in one function: who reads "<5" and who reads the count."""

from amparo.accounts.disclosure import SUPPRESSED, suppress, suppress_counts
from amparo.accounts.policy import principal_for, system_principal


def test_counts_of_one_to_four_are_hidden_from_a_counts_only_reader(make_org, make_user):
    analyst = principal_for(make_user(make_org(), "analyst"))
    assert [suppress(n, analyst) for n in (0, 1, 4, 5, 120)] == [0, SUPPRESSED, SUPPRESSED, 5, 120]


def test_staff_who_see_names_read_exact_counts(make_org, make_user):
    officer = make_user(make_org(), "consular_officer")
    assert suppress(3, officer) == 3 and suppress(3, system_principal()) == 3


def test_a_published_figure_is_suppressed_whoever_reads_it(make_org, make_user):
    officer = make_user(make_org(), "consular_officer")
    assert suppress(3, officer, published=True) == SUPPRESSED


def test_a_row_keeps_its_labels_and_suppresses_its_counts(make_org, make_user):
    analyst = make_user(make_org(), "analyst")
    row = {"nationality": "GT", "affected": 7, "missing": 2, "deceased": 0}
    assert suppress_counts(row, analyst) == {"nationality": "GT", "affected": 7, "missing": SUPPRESSED, "deceased": 0}
