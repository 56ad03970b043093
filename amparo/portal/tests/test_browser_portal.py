"""The portal as a migrant uses it: Chromium on a 360×640 screen over a slow link (250 kbps,
300 ms), in Spanish, French and Haitian Creole, and once with JavaScript off. Each page's
transferred bytes (HTML, CSS, JS, worker) are counted from the browser's own network events."""

import pytest

from amparo.crises.models import WelfareStatus
from amparo.portal.models import SelfRegistration
from amparo.protection.models import Service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BUDGET = 50 * 1024


class Phone:
    """A small phone on a slow link, counting what crosses the network for each page."""

    def __init__(self, browser, base_url, *, javascript=True, locale="es-MX"):
        self.context = browser.new_context(
            viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True, locale=locale,
            java_script_enabled=javascript,
        )  # fmt: skip
        self.page = self.context.new_page()
        self.page.set_default_timeout(30000)
        self.base = base_url
        self.bytes = 0
        self.errors = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": 300, "downloadThroughput": 250_000 / 8, "uploadThroughput": 250_000 / 8,
        })  # fmt: skip
        cdp.on("Network.loadingFinished", self._count)

    def _count(self, event):
        self.bytes += int(event.get("encodedDataLength", 0))

    def open(self, path):
        self.bytes = 0
        self.page.goto(self.base + path, wait_until="load")
        return self.bytes

    def weigh_next(self, action):
        """Run a click or submit and return the bytes of the page it leads to."""
        self.bytes = 0
        with self.page.expect_navigation(wait_until="load"):
            action()
        return self.bytes

    def close(self):
        self.context.close()


@pytest.fixture
def shelter(world):
    return Service.objects.create(provider=world["consulate"], kind="shelter", name="Albergue Belén", country="MX",
                                  latitude=14.92, longitude=-92.27, capacity_free=12, capacity_total=80, hours="24 h")  # fmt: skip


def test_find_the_nearest_shelter_in_spanish(browser, live_server, world, shelter, output_dir):
    phone = Phone(browser, live_server.url)
    weights = [phone.open("/p/es/")]
    weights.append(phone.weigh_next(lambda: phone.page.click("text=Servicios cerca de mí")))
    phone.page.fill("input[name=q]", "tapachula")
    weights.append(phone.weigh_next(lambda: phone.page.click("button:has-text('Buscar')")))
    phone.page.wait_for_selector("text=Albergue Belén")
    assert phone.page.locator("svg.minimap").count() == 1
    phone.page.screenshot(path=str(output_dir / "services-es.png"), full_page=True)
    assert phone.errors == [] and max(weights) <= BUDGET, weights
    phone.close()


def test_register_with_the_consulate_in_french(browser, live_server, world, sms, output_dir):
    phone = Phone(browser, live_server.url, locale="fr-FR")
    weights = [phone.open("/p/fr/register/")]
    page = phone.page
    page.fill("input[name=given_names]", "Jean-Baptiste")
    page.fill("input[name=surnames]", "Morales")
    page.select_option("select[name=nationality]", "GT")
    page.fill("input[name=q]", "Tapachula")
    page.select_option("select[name=phone_country]", "MX")
    page.fill("input[name=phone]", "962 765 4321")
    for purpose, answer in (("crisis_alerts", "yes"), ("referrals", "no"), ("sharing_host_authorities", "yes")):
        page.check(f"input[name=consent_{purpose}][value={answer}]")
    weights.append(phone.weigh_next(lambda: page.click('button:has-text("M\'inscrire")')))
    page.wait_for_selector("text=Saisissez le code")
    page.fill("input[name=code]", sms.last_code("+529627654321"))
    weights.append(phone.weigh_next(lambda: page.click("button:has-text('Continuer')")))
    page.wait_for_selector("text=Votre inscription est faite")
    page.screenshot(path=str(output_dir / "registered-fr.png"), full_page=True)
    assert phone.errors == [] and max(weights) <= BUDGET, weights
    phone.close()
    registration = SelfRegistration.objects.get()
    assert registration.person.given_names == "Jean-Baptiste" and registration.status == "unverified"


def test_say_i_am_safe_in_haitian_creole(browser, live_server, world, sms, output_dir):
    phone = Phone(browser, live_server.url, locale="ht")
    weights = [phone.open("/p/ht/crisis/?q=Tapachula")]
    page = phone.page
    page.wait_for_selector(f"text={world['crisis'].name}")
    weights.append(phone.weigh_next(lambda: page.click("a:has-text('Mwen an sekirite')")))
    page.select_option("select[name=country]", "MX")
    page.fill("input[name=phone]", "962 123 4567")
    weights.append(phone.weigh_next(lambda: page.click("button:has-text('Voye')")))
    page.fill("input[name=code]", sms.last_code("+529621234567"))
    weights.append(phone.weigh_next(lambda: page.click("button:has-text('Kontinye')")))
    page.wait_for_selector("text=Nou note: ou an sekirite.")
    page.screenshot(path=str(output_dir / "safe-ht.png"), full_page=True)
    assert phone.errors == [] and max(weights) <= BUDGET, weights
    phone.close()
    assert WelfareStatus.objects.get(crisis=world["crisis"], person=world["maria"]).status == "safe"


def test_everything_works_without_javascript(browser, live_server, world, sms, shelter):
    phone = Phone(browser, live_server.url, javascript=False)
    page = phone.page
    phone.open("/p/es/crisis/?q=Tapachula")
    page.click("a:has-text('Necesito ayuda')")
    page.check("input[name=needs][value=food]")
    page.select_option("select[name=country]", "MX")
    page.fill("input[name=phone]", "962 123 4567")
    page.click("button:has-text('Enviar')")
    page.fill("input[name=code]", sms.last_code("+529621234567"))
    page.click("button:has-text('Continuar')")
    page.wait_for_selector("text=Registramos: necesita ayuda.")
    phone.close()
    welfare = WelfareStatus.objects.get(crisis=world["crisis"], person=world["maria"])
    assert welfare.status == "needs_assistance" and welfare.needs == ["food"]
