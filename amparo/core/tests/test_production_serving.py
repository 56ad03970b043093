"""Production as docs/operators.md sets it up: `amparo collectstatic` with the production settings
(hashed, compressed static files), then gunicorn serving the pages and their static files through
WhiteNoise, behind a TLS proxy that sets X-Forwarded-Proto. A real gunicorn process on a free port
serves a copy of the test database, and a member signs in.

Every `{% static %}` path a template names must exist: under the manifest storage a missing one is
a 500 on every page that uses it."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.staticfiles import finders
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
SECRET = "s" * 20 + "-production-secret-key-for-the-serving-test-0123456789"
STATIC_RE = re.compile(r"""\{%\s*static\s+['"]([^'"]+)['"]""")


def test_every_static_file_a_template_names_exists():
    missing = []
    for template in (ROOT / "amparo").rglob("templates/**/*.html"):
        for name in STATIC_RE.findall(template.read_text(encoding="utf-8")):
            if not finders.find(name):
                missing.append(f"{template.relative_to(ROOT)}: {name}")
    assert missing == []


def test_no_vendored_file_points_to_a_missing_source_map():
    """The manifest storage follows sourceMappingURL comments and fails on a missing .map file."""
    offenders = []
    for path in (ROOT / "amparo" / "static").rglob("*"):
        if path.suffix in (".js", ".css"):
            for ref in re.findall(r"sourceMappingURL=(\S+?)(?:\s|\*/|$)", path.read_text(encoding="utf-8")):
                if not (path.parent / ref).exists():
                    offenders.append(f"{path.relative_to(ROOT)} -> {ref}")
    assert offenders == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(tmp_path: Path, database: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMPARO_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        {
            "AMPARO_ENV": "production",
            "AMPARO_SECRET_KEY": SECRET,
            "AMPARO_ALLOWED_HOSTS": "127.0.0.1",
            "AMPARO_VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": f"sqlite:///{database}",
        }
    )
    return env


class _Client:
    """Just enough of a browser behind a TLS proxy: keeps cookies (Secure ones included, since
    the proxy terminated TLS) and sends X-Forwarded-Proto: https."""

    def __init__(self, port: int):
        self.port, self.cookies = port, SimpleCookie()

    def request(self, method: str, path: str, body: dict | None = None, **extra_headers: str):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1", "Accept-Language": "en", **extra_headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1{path}"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        conn.close()
        return response, content


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="serves a copy of the SQLite test database")
def test_gunicorn_serves_pages_and_hashed_static_files_after_collectstatic(tmp_path, make_org, make_user):
    user = make_user(make_org("consulado-real"), role="consular_officer", username="lucia")
    database = tmp_path / "amparo.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(database)])
    env = _env(tmp_path, database)

    collect = subprocess.run(
        [sys.executable, "-m", "amparo.cli", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collect.returncode == 0, collect.stderr
    assert (tmp_path / "var" / "static" / "staticfiles.json").is_file()

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "amparo.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        client = _Client(port)
        deadline = time.monotonic() + 90
        while True:
            try:
                response, content = client.request("GET", "/accounts/login/")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        "gunicorn did not start:\n" + (server.stdout.read() if server.poll() is not None else "")
                    )
                time.sleep(0.3)
        assert response.status == 200, content[:500]
        html = content.decode()
        css = re.search(r'href="(/static/amparo/amparo\.[0-9a-f]{12}\.css)"', html)
        assert css, "the page links the hashed stylesheet"
        response, content = client.request("GET", css.group(1))
        assert response.status == 200 and response.headers["Content-Type"].startswith("text/css")
        assert "immutable" in response.headers.get("Cache-Control", "")
        assert b"{" in content
        # Compressed by collectstatic, sent as the browser asks: Brotli, else gzip (bench/pages).
        for encoding in ("br", "gzip"):
            packed, packed_body = client.request("GET", css.group(1), **{"Accept-Encoding": f"{encoding}"})
            assert packed.headers["Content-Encoding"] == encoding
            assert len(packed_body) < len(content) / 2

        token = client.cookies["csrftoken"].value
        response, _content = client.request(
            "POST",
            "/accounts/login/",
            {"username": user.username, "password": "correct horse battery", "csrfmiddlewaretoken": token},
        )
        assert response.status == 302, _content[:300]
        assets = set()
        for page in ("/home/", "/registry/people/", "/crises/", "/protection/services/"):
            response, content = client.request("GET", page)
            assert response.status == 200, page
            assets |= set(re.findall(r'(?:src|href)="(/static/[^"]+)"', content.decode()))
        assert any("leaflet" in a for a in assets), "a page with the map was served"
        for asset in sorted(assets):
            asset_response, _body = client.request("GET", asset)
            assert asset_response.status == 200, asset
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
