"""Portal field limits: each page's cold weight (bytes Chromium transfers: HTML, CSS, JS, the
offline worker) and the time until it is usable (DOMContentLoaded and load) on a 360x640 phone
throttled to 250 kbps down / 250 kbps up with 300 ms latency. Reference in the same run: the
staff sign-in page (the staff side's lightest page: htmx, the staff stylesheet and script).

    python bench/portal/bench_portal.py http://127.0.0.1:8000   (a server with `amparo demo-data`)
"""

from __future__ import annotations

import statistics
import sys

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
PAGES = [
    ("portal home", "/p/{lang}/"),
    ("country information", "/p/{lang}/mx/"),
    ("services near me (Tapachula)", "/p/{lang}/services/?q=tapachula&kind=shelter"),
    ("crisis (Acapulco)", "/p/{lang}/crisis/?q=Acapulco+de+Juarez"),
    ("register", "/p/{lang}/register/"),
    ("my data (phone step)", "/p/{lang}/me/"),
]
REFERENCE = ("REFERENCE staff sign-in page", "/accounts/login/")
RUNS = 3


def measure(browser, url: str) -> tuple[int, float, float]:
    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": 300, "downloadThroughput": 250_000 / 8, "uploadThroughput": 250_000 / 8})  # fmt: skip
    total = [0]
    cdp.on("Network.loadingFinished", lambda e: total.__setitem__(0, total[0] + int(e.get("encodedDataLength", 0))))
    page.goto(url, wait_until="load")
    timing = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
    import json

    nav = json.loads(timing)
    page.wait_for_timeout(1500)  # the offline worker installs after load: count its bytes too
    context.close()
    return total[0], nav["domContentLoadedEventEnd"] / 1000, nav["loadEventEnd"] / 1000


def main(base: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        print(f"{'page':40s} {'lang':4s} {'KB':>6s} {'usable s':>9s} {'load s':>7s}")
        rows = [(REFERENCE[0], "es", base + REFERENCE[1])]
        rows += [(name, lang, base + path.format(lang=lang)) for name, path in PAGES for lang in ("es", "fr", "ht")]
        worst_kb = worst_s = 0.0
        for name, lang, url in rows:
            samples = [measure(browser, url) for _ in range(RUNS)]
            kb = max(s[0] for s in samples) / 1024
            usable = statistics.median(s[1] for s in samples)
            load = statistics.median(s[2] for s in samples)
            print(f"{name:40s} {lang:4s} {kb:6.1f} {usable:9.2f} {load:7.2f}")
            if not name.startswith("REFERENCE"):
                worst_kb, worst_s = max(worst_kb, kb), max(worst_s, usable)
        browser.close()
    print(f"portal worst page: {worst_kb:.1f} KB (budget 50 KB), usable after {worst_s:.2f} s (budget 3 s)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
