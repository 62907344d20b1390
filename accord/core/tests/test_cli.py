"""The `accord` console command and the gunicorn settings it serves with."""

from __future__ import annotations

import gc
import importlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

from accord import cli


def test_help_lists_the_commands(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("demo", "serve", "help"):
        assert f"\n  {command}" in out


def test_gunicorn_command_line():
    argv = cli.gunicorn_argv("127.0.0.1", 8123, 3)
    assert argv[:3] == [sys.executable, "-m", "gunicorn"]
    assert argv[argv.index("--config") + 1] == "python:accord.gunicorn_conf"
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8123"
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[-1] == "accord.asgi:application"
    assert cli.gunicorn_argv("::1", 8000, None)[-2:] == ["[::1]:8000", "accord.asgi:application"]


def test_gunicorn_preloads_and_freezes_before_fork():
    was_enabled = gc.isenabled()
    try:
        conf = importlib.reload(importlib.import_module("accord.gunicorn_conf"))
        assert conf.preload_app is True
        assert conf.bind == ["127.0.0.1:8000"]
        assert not gc.isenabled()  # no collection while the master loads the app
        conf.pre_fork(None, None)
        assert gc.get_freeze_count() > 0
        conf.post_fork(None, None)
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        # Only ever http://127.0.0.1 (the server the test started).
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            cookies = "; ".join(response.headers.get_all("Set-Cookie") or [])
            return (
                response.status,
                dict(response.headers) | {"Set-Cookie": cookies},
                response.read(),
            )
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_accord_serve_in_production(tmp_path: Path):
    """collectstatic, gunicorn with the app preloaded, whitenoise, secure cookies, CSP."""
    port = _free_port()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="accord.settings",
        ACCORD_ENV="production",
        ACCORD_SECRET_KEY=secrets.token_urlsafe(50),
        ACCORD_ALLOWED_HOSTS="accord.example.com",
        ACCORD_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
    )
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "accord.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    # What a TLS-terminating proxy in front of gunicorn sends.
    headers = {"Host": "accord.example.com", "X-Forwarded-Proto": "https"}
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start in 60 s"
                time.sleep(0.2)

        status, _headers, body = _get(f"{base}/api/v1/openapi.json", headers)
        assert status == 200
        assert json.loads(body)["info"]["title"]

        manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
        hashed = next(iter(manifest["paths"].values()))
        status, static_headers, _body = _get(f"{base}/static/{hashed}", headers)
        assert status == 200
        assert "max-age=315360000" in static_headers.get("Cache-Control", "")

        status, page_headers, _body = _get(f"{base}/login/", headers)
        assert status == 200
        assert "default-src 'self'" in page_headers["Content-Security-Policy"]
        assert "Strict-Transport-Security" in page_headers
        csrf_cookie = page_headers["Set-Cookie"]
        assert "csrftoken=" in csrf_cookie and "Secure" in csrf_cookie

        status, _headers, _body = _get(f"{base}/login/", {"Host": "evil.example"})
        assert status == 400  # not in ACCORD_ALLOWED_HOSTS
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_accord_demo_serves_with_debug_off(tmp_path: Path):
    """`accord demo` shows the site's own 404 page, never Django's debug page (which lists every
    URL pattern), and still serves the static files from the apps."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env.update(
        DJANGO_SETTINGS_MODULE="accord.settings",
        # Only swaps Argon2 for a fast hasher (the demo loads a dozen people); DEBUG is left to
        # `accord demo` itself, as on a developer's machine.
        ACCORD_ENV="test",
        ACCORD_DATA_DIR=str(tmp_path),
        ACCORD_TASK_WORKER="0",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
    )
    demo = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "accord.cli", "demo", "--port", str(port), "--workers", "1"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert demo.poll() is None, demo.stdout.read() if demo.stdout else ""
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "accord demo did not serve in 90 s"
                time.sleep(0.2)

        status, headers, body = _get(f"{base}/no-such-page/", {})
        assert status == 404
        page = body.decode()
        assert "URLconf" not in page and "Page not found at" not in page
        assert "Back to the dashboard" in page  # web/error.html, the site's own page
        assert "default-src 'self'" in headers["Content-Security-Policy"]

        status, _headers, body = _get(f"{base}/static/web/app.css", {})
        assert status == 200 and body

        status, _headers, body = _get(f"{base}/api/v1/no-such-endpoint", {})
        assert status == 404 and json.loads(body)["code"] == "not_found"
    finally:
        demo.terminate()
        try:
            demo.wait(timeout=20)
        except subprocess.TimeoutExpired:
            demo.kill()
            demo.wait()
