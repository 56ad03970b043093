"""In Chromium at a phone's width: the menu folds and opens, an administrator adds a member from
the Members page, and no page breaks the content security policy."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_on_a_phone_opens_the_menu_and_adds_a_member(page, live_server, make_org, make_user, output_dir):
    home = make_org("gt-consulate-mexico-city", kind="consulate", name="Consulado de Guatemala en Mexico City")
    make_user(home, "org_admin", username="rodrigo", first_name="Rodrigo")
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "rodrigo")
    page.fill("#id_password", "correct horse battery")
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector("h1")
    toggle = page.locator(".nav-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#main-nav").is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    page.screenshot(path=str(output_dir / "menu-open-phone.png"))
    page.locator("#main-nav a[href='/accounts/members/']").click()
    page.wait_for_selector("#add-member")

    page.fill("#id_username", "ana.perez")
    page.fill("#id_email", "ana@example.org")
    page.select_option("#id_role", "case_worker")
    page.locator("section[aria-labelledby=add-member] button[type=submit]").click()
    page.wait_for_selector(".message.success")
    row = page.locator("table.responsive tr", has_text="ana.perez")
    assert row.is_visible()
    page.screenshot(path=str(output_dir / "members-phone.png"), full_page=True)
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
