"""Staff pages at 1 Mbps: each page's cold weight (bytes Chromium transfers, split by kind) and its
times (DOMContentLoaded, map drawn) for a signed-in consular officer, with the browser cache
disabled, throttled to 1 Mbps down / 1 Mbps up with 100 ms latency (Chrome DevTools Protocol).
Reference in the same run: the sign-in page (the lightest staff page).

Pages: the crisis dashboard (map with outlines, areas and the people layer), the services
directory searched near a place (map with outlines and services), the home page.

"Map drawn" is the time (from navigation start) at which the last piece of map data the page
fetched (outlines, areas, people layer, services) had been parsed and drawn: an init script wraps
`Response.prototype.json` and notes `performance.now()` in a task queued after the page's own
callbacks (which run as microtasks right after the JSON resolves). The crisis map also sets its
`map-ready` class; that moment (the base map created, before any data) is printed too.

Map tiles: the machine has no internet. When the server has a tile URL (AMPARO_MAP_TILE_URL), every
request to another host than the server is answered by the bench with an empty 204 (Playwright
route) and counted apart as "tile requests (blocked)": their bytes are not in the totals.

Then the largest static files and the map endpoints as the server sends them: identity, gzip and
Brotli (Accept-Encoding), and what gzip would make of the responses the server sends uncompressed.

    python bench/pages/bench_staff_pages.py http://127.0.0.1:8766 [--label outlines|tiles]
    (a production server with the demo data: bench/pages/run.sh starts one)
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import re
import statistics
import sys
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
USERNAME, PASSWORD = "consul-gt", "amparo-demo-2026"  # amparo/core/demo.py, settings.DEMO_PASSWORD
CRISIS_NAME = "Sismo M8.0"  # amparo/crises/demo.py: the earthquake, with affected people
PAGES = [
    # (name, path or None for the crisis dashboard, map element id or None)
    ("crisis dashboard (earthquake)", None, "crisis-map"),
    ("services directory (near Tapachula)", "/protection/services/?place=Tapachula", "directory-map"),
    ("home", "/home/", None),
]
REFERENCE = ("REFERENCE sign-in page", "/accounts/login/", None)
RUNS = 3
LATENCY_MS = 100
BITS_PER_SECOND = 1_000_000
# The TLS proxy of docs/operators.md tells Django the request was HTTPS.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
KINDS = ("html", "css/js", "json", "img", "other")

TRACK_MAP_DATA = """
(() => {
  window.__mapData = [];
  window.__mapReadyClass = null;
  const json = Response.prototype.json;
  Response.prototype.json = function () {
    const url = this.url;
    const parsed = json.call(this);
    parsed.then(() => setTimeout(() => window.__mapData.push([url, performance.now()]), 0), () => {});
    return parsed;
  };
  new MutationObserver((records) => {
    if (window.__mapReadyClass === null && records.some((r) => r.target.classList && r.target.classList.contains("map-ready")))
      window.__mapReadyClass = performance.now();
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["class"] });
})();
"""


def kind_of(resource_type: str) -> str:
    return {"Document": "html", "Stylesheet": "css/js", "Script": "css/js", "Fetch": "json", "XHR": "json",
            "Image": "img"}.get(resource_type, "other")  # fmt: skip


def sign_in(browser, base: str) -> dict:
    context = browser.new_context(extra_http_headers=PROXY_HEADERS)
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", USERNAME)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/home/")
    crisis = page.goto(base + "/crises/")
    assert crisis and crisis.ok
    href = page.locator("a", has_text=CRISIS_NAME).first.get_attribute("href")
    state = context.storage_state()
    context.close()
    return {"state": state, "crisis_path": href}


def measure(browser, base: str, path: str, map_id: str | None, state: dict | None) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, storage_state=state,
                                  extra_http_headers=PROXY_HEADERS)  # fmt: skip
    context.add_init_script(TRACK_MAP_DATA)
    blocked = []
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(base))
    context.route(lambda url: not url.startswith(origin), lambda route: (blocked.append(route.request.url), route.fulfill(status=204)))  # fmt: skip
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": LATENCY_MS, "downloadThroughput": BITS_PER_SECOND / 8,
              "uploadThroughput": BITS_PER_SECOND / 8})  # fmt: skip
    requests: dict[str, dict] = {}
    cdp.on("Network.requestWillBeSent", lambda e: requests.setdefault(e["requestId"], {"url": e["request"]["url"], "type": e.get("type", "Other"), "bytes": 0, "failed": False}))  # fmt: skip
    cdp.on("Network.loadingFinished", lambda e: requests.get(e["requestId"], {}).__setitem__("bytes", int(e.get("encodedDataLength", 0))))  # fmt: skip
    cdp.on("Network.loadingFailed", lambda e: requests.get(e["requestId"], {}).__setitem__("failed", True))
    response = page.goto(base + path, wait_until="load")
    assert response and response.ok, f"{path}: {response and response.status}"
    page.wait_for_load_state("networkidle")
    nav = json.loads(page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])"))
    map_data = page.evaluate("window.__mapData")
    ready_class = page.evaluate("window.__mapReadyClass")
    drawn = None
    if map_id:
        if map_id == "crisis-map":
            total = page.get_attribute("#crisis-map", "data-total")
            assert total and int(total) > 0, "the people layer was drawn"
        else:
            assert page.locator(f"#{map_id} .service-marker").count() > 0, "the services were drawn"
        drawn = max(t for _url, t in map_data) / 1000
    context.close()
    by_kind = dict.fromkeys(KINDS, 0)
    for r in requests.values():
        if r["url"].startswith(origin):
            by_kind[kind_of(r["type"])] += r["bytes"]
    return {
        "by_kind": by_kind,
        "total": sum(by_kind.values()),
        "requests": len([r for r in requests.values() if r["url"].startswith(origin)]),
        "blocked": len(blocked),
        "dcl": nav["domContentLoadedEventEnd"] / 1000,
        "load": nav["loadEventEnd"] / 1000,
        "drawn": drawn,
        "ready_class": ready_class / 1000 if ready_class is not None else None,
        "urls": sorted({r["url"] for r in requests.values() if r["url"].startswith(origin)}),
        "map_urls": [u for u, _t in map_data],
    }


def fetch(base: str, path: str, encoding: str, cookie: str = "") -> tuple[int, str, bytes]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = dict(PROXY_HEADERS, **{"Accept-Encoding": encoding, "Host": parts.netloc})
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 200, (path, response.status)
    return len(body), response.getheader("Content-Encoding", "identity"), body


def kb(n: float | None) -> str:
    return "—" if n is None else f"{n / 1024:.1f}"


def seconds(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", nargs="?", default="http://127.0.0.1:8766")
    parser.add_argument("--label", default="", help="printed with the table (e.g. outlines, tiles)")
    parser.add_argument("--verbose", action="store_true", help="list each page's requests")
    args = parser.parse_args()
    base = args.base.rstrip("/")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        session = sign_in(browser, base)
        rows = [(REFERENCE[0], REFERENCE[1], REFERENCE[2], None)]
        rows += [(name, path or session["crisis_path"], map_id, session["state"]) for name, path, map_id in PAGES]
        results = []
        for name, path, map_id, state in rows:
            samples = [measure(browser, base, path, map_id, state) for _ in range(RUNS)]
            results.append((name, path, samples))
        browser.close()

    mbps = BITS_PER_SECOND / 1e6
    print(f"\nCold (cache disabled), {mbps:g} Mbps down/up, {LATENCY_MS} ms latency, median of {RUNS}"
          + (f" — map: {args.label}" if args.label else ""))  # fmt: skip
    print("| page | KB total | HTML | CSS/JS | JSON/map data | images | requests | tile requests (blocked) "
          "| DOMContentLoaded s | map-ready class s | map drawn s | load s |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    med = statistics.median
    for name, path, samples in results:
        part = {k: med(s["by_kind"][k] for s in samples) for k in KINDS}
        ready = [s["ready_class"] for s in samples if s["ready_class"] is not None]
        drawn = [s["drawn"] for s in samples if s["drawn"] is not None]
        other = f" (+{kb(part['other'])} other)" if part["other"] else ""
        print(f"| {name} | {kb(med(s['total'] for s in samples))}{other} | {kb(part['html'])} | {kb(part['css/js'])} "
              f"| {kb(part['json'])} | {kb(part['img'])} | {med(s['requests'] for s in samples):g} "
              f"| {med(s['blocked'] for s in samples):g} | {seconds(med(s['dcl'] for s in samples))} "
              f"| {seconds(med(ready) if ready else None)} | {seconds(med(drawn) if drawn else None)} "
              f"| {seconds(med(s['load'] for s in samples))} |")  # fmt: skip
        if args.verbose:
            print("    " + path + "\n      " + "\n      ".join(samples[0]["urls"]))
            print("      map data drawn in order: " + ", ".join(samples[0]["map_urls"]))

    # Compression as the server sends each file: static files (WhiteNoise) and the map endpoints.
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in session["state"]["cookies"])
    seen = sorted({u for _n, _p, samples in results for s in samples for u in s["urls"]})
    statics = [u for u in seen if "/static/" in u]
    dynamic = [u for u in seen if "/static/" not in u and "/accounts/login/" not in u]
    print("\nAs served (bytes of the body; 'would gzip' = gzip -6 of the identity body)")
    print("| file | identity KB | gzip KB | br KB | sent with |")
    print("| --- | --- | --- | --- | --- |")
    served = []
    for url in statics + dynamic:
        path = url[len(base) :]
        size, _enc, body = fetch(base, path, "identity", cookie)
        served.append((size, path, body))
    for size, path, body in sorted(served, key=lambda row: -row[0]):
        gz, gz_enc, _ = fetch(base, path, "gzip", cookie)
        br, br_enc, _ = fetch(base, path, "br", cookie)
        sent = "gzip" if gz_enc == "gzip" else "identity"
        if br_enc == "br":
            sent = "br / gzip"
        gz_text = kb(gz) if gz_enc == "gzip" else f"({kb(len(gzip.compress(body, 6)))} would gzip)"
        br_text = kb(br) if br_enc == "br" else "—"
        name = re.sub(r"\?.*", "", path)
        if size >= 2048 or name.endswith(("json", "geojson")):
            print(f"| {name} | {kb(size)} | {gz_text} | {br_text} | {sent} |")


if __name__ == "__main__":
    sys.exit(main())
