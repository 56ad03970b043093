"""Pages in these tests are read in English (the app's default is Spanish) unless a test says
otherwise; the catalogs' completeness is tested in core/tests/test_i18n.py."""

import pytest


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
