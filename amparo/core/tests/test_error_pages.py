"""Refusals and missing pages keep the layout, speak the user's language and say what to do."""


def test_a_refused_page_explains_itself_in_the_users_language(client, make_org, make_user):
    client.force_login(make_user(make_org("home"), "consular_officer"))
    response = client.get("/accounts/members/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 403
    body = response.content.decode()
    assert "No puede abrir esta página" in body and 'class="topbar' in body


def test_a_missing_page_keeps_the_navigation(client, make_org, make_user, settings):
    settings.DEBUG = False
    client.force_login(make_user(make_org("home"), "consular_officer"))
    response = client.get("/accounts/organizations/does-not-exist/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    body = response.content.decode()
    assert "does not exist, or is not yours to see" in body and 'id="main-nav"' in body
