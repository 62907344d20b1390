"""Sign-in, the dashboard, error pages, navigation, templates and the progress component."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from accord.core.models import LoginAttempt
from accord.web.display import changes_text
from accord.web.tests.helpers import rows_by_first_cell, table, text
from accord.web.views import csrf_failure, server_error

ACCORD = Path(settings.BASE_DIR) / "accord"


def _sign_in(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_plain_and_labelled(client_for: Any) -> None:
    response = client_for("anonymous").get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">Username</label>' in html
    assert '<label for="id_password">Password</label>' in html
    assert "csrfmiddlewaretoken" in html
    assert "Skip to main content" in html
    assert 'aria-label="Main"' not in html  # no navigation before signing in


def test_sign_in_then_sign_out(db: Any) -> None:
    client = Client()
    response = _sign_in(client, "oem_buyer", "oem_buyer")
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.session.get("_auth_user_id")
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not client.session.get("_auth_user_id")
    assert client.get(reverse("dashboard")).status_code == 302


def test_sign_in_honours_next_but_not_other_sites(db: Any) -> None:
    client = Client()
    response = client.post(
        reverse("login"), {"username": "oem_buyer", "password": "oem_buyer", "next": "/parts/"}
    )
    assert response["Location"] == "/parts/"
    client = Client()
    response = client.post(
        reverse("login"),
        {"username": "oem_buyer", "password": "oem_buyer", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("dashboard")


def test_sign_in_is_rate_limited_after_five_failures(db: Any) -> None:
    client = Client()
    for _ in range(5):
        response = _sign_in(client, "oem_buyer", "wrong")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in text(response)
    assert LoginAttempt.objects.filter(username="oem_buyer").count() == 5
    # The sixth attempt is refused even with the right password.
    response = _sign_in(client, "oem_buyer", "oem_buyer")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts. Try again in 15 minutes." in text(response)
    assert not client.session.get("_auth_user_id")
    # Another name from another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert _sign_in(other, "oem_engineer", "oem_engineer").status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(db: Any) -> None:
    client = Client()
    for _ in range(4):
        _sign_in(client, "oem_engineer", "nope")
    assert _sign_in(client, "oem_engineer", "oem_engineer").status_code == 302
    assert not LoginAttempt.objects.filter(username="oem_engineer").exists()


def test_sign_in_throttles_by_address_too(db: Any) -> None:
    client = Client(REMOTE_ADDR="192.0.2.7")
    for n in range(20):
        _sign_in(client, f"guess{n}", "x")
    assert _sign_in(client, "oem_buyer", "oem_buyer").status_code == 429


def test_dashboard_lists_my_programs_with_role_and_counts(client_for: Any) -> None:
    response = client_for("oem_buyer").get(reverse("dashboard"))
    assert response.status_code == 200
    rows = rows_by_first_cell(table(response, "Programs you are a member of"))
    assert set(rows) == {"Earbuds X2", "Pulse HRM"}
    # program, code, owner, status, my role, members, BOMs
    assert rows["Earbuds X2"] == [
        "Earbuds X2",
        "EBX2",
        "Halcyon Devices",
        "Development",
        "Program manager",
        "6",
        "2",
    ]
    assert rows["Pulse HRM"][4:] == ["Program manager", "4", "1"]
    events = table(response, "The 20 latest changes you may see")
    assert 0 < len(events) <= 20
    assert any("created BOM" in row[2] and "EBX2-PCBA rev B" in row[2] for row in events)


def test_dashboard_counts_only_what_the_person_may_see(client_for: Any) -> None:
    rows = rows_by_first_cell(
        table(client_for("nda_expired_partner").get("/"), "Programs you are a member of")
    )
    assert set(rows) == {"Earbuds X2"}
    assert rows["Earbuds X2"][4:] == ["Member", "6", "0"]  # the lapsed NDA hides both BOMs
    explained = text(client_for("nda_expired_partner").get("/"))
    assert "Restricted data you do not see" in explained
    assert "The latest, NDA-HAL-BRL-2023, expired on" in explained
    assert "Restricted data you do not see" not in text(client_for("ems_planner").get("/"))
    rows = rows_by_first_cell(table(client_for("ems_planner").get("/"), "Programs you are"))
    assert set(rows) == {"Earbuds X2", "Pulse HRM", "Rover Controller"}
    assert rows["Earbuds X2"][4:] == ["Member", "6", "2"]
    outsider = client_for("outsider").get("/")
    assert "You are not a member of any program yet" in text(outsider)


def test_dashboard_tiles_count_risks(client_for: Any) -> None:
    page = text(client_for("oem_buyer").get("/"))
    assert "14 parts in your catalogue" in page
    assert "0 other organisations' parts, in BOMs shared with you" in page
    planner = text(client_for("ems_planner").get("/"))
    assert "0 parts in your catalogue" in planner
    assert "other organisations' parts, in BOMs shared with you" in planner
    supplier = text(client_for("supplier_rep").get("/"))
    assert "1 customers' parts you are a source for" in supplier
    assert "never BOMs" in supplier
    assert "1 NRND parts" not in page and "2 NRND parts" in page  # resistor and HR sensor
    assert "1 parts in last time buy" in page
    assert "1 obsolete parts" in page


def test_navigation_shows_access_log_to_admins_only(client_for: Any) -> None:
    admin = client_for("oem_buyer").get("/").content.decode()
    assert f'href="{reverse("access_log")}"' in admin
    assert 'href="/api/v1/docs"' in admin
    assert 'aria-current="page"' in admin
    engineer = client_for("oem_engineer").get("/").content.decode()
    assert f'href="{reverse("access_log")}"' not in engineer
    for label in ("Dashboard", "Programs", "Parts", "BOMs", "NDAs", "API tokens", "Sign out"):
        assert f">{label}<" in engineer
    header = text(client_for("oem_engineer").get("/"))
    assert "Halcyon Devices" in header and "Tomas Lindqvist" in header


def test_unknown_address_is_a_friendly_404(client_for: Any) -> None:
    response = client_for("oem_buyer").get("/no-such-page/")
    assert response.status_code == 404
    page = text(response)
    assert "Not found" in page and "not shared with you" in page
    assert "Back to the dashboard" in page


def test_invisible_object_reads_as_absent(client_for: Any, programs: Any) -> None:
    visible_missing = client_for("oem_buyer").get(reverse("program_detail", args=[999999]))
    invisible = client_for("oem_buyer").get(reverse("program_detail", args=[programs["RVC"].pk]))
    assert visible_missing.status_code == invisible.status_code == 404
    assert text(visible_missing) == text(invisible)


def test_server_error_page_needs_no_database() -> None:
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content


def test_pages_send_the_content_security_policy(client_for: Any) -> None:
    response = client_for("oem_buyer").get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert "/static/django_htmx/htmx-2.min.js" in html
    assert "/static/web/app.js" in html and "/static/web/app.css" in html


def _templates() -> list[Path]:
    return sorted(ACCORD.glob("*/templates/**/*.html"))


def test_templates_have_no_inline_script_or_style() -> None:
    """The CSP allows only our own files: inline code or styles would silently break."""
    templates = _templates()
    assert len(templates) >= 20
    problems = []
    for path in templates:
        source = path.read_text()
        for match in re.finditer(r"<script\b([^>]*)>(.*?)</script>", source, flags=re.S | re.I):
            if "src=" not in match.group(1) or match.group(2).strip():
                problems.append(f"{path}: inline <script>")
        if re.search(r"\sstyle\s*=", source, flags=re.I):
            problems.append(f"{path}: style= attribute")
        if re.search(r"<style\b", source, flags=re.I):
            problems.append(f"{path}: <style> element")
        if re.search(r"\son[a-z]+\s*=", source, flags=re.I):
            problems.append(f"{path}: inline event handler")
        if re.search(r"\shx-on", source, flags=re.I) or "javascript:" in source:
            problems.append(f"{path}: inline code")
    assert not problems, "\n".join(problems)


def test_tables_have_captions_and_scoped_headers() -> None:
    for path in _templates():
        source = path.read_text()
        tables = source.count("<table")
        assert source.count("<caption") >= tables, f"{path}: every table needs a caption"
        assert "<th>" not in source, f"{path}: a <th> without scope"


def test_static_files_exist() -> None:
    static = ACCORD / "web" / "static" / "web"
    assert (static / "app.css").stat().st_size > 1000
    assert (static / "app.js").stat().st_size > 100
    css = (static / "app.css").read_text()
    for badge in ("lc-active", "lc-nrnd", "lc-ltb", "lc-eol", "lc-obsolete", "lc-unknown"):
        assert f".{badge}" in css
    assert ":focus-visible" in css and ".skip-link" in css


def test_progress_partial_polls_until_done() -> None:
    running = render_to_string(
        "web/partials/progress.html",
        {
            "progress_label": "Importing EBX2-PCBA.xlsx",
            "progress_value": 812,
            "progress_max": 2000,
            "progress_url": "/imports/7/progress",
            "progress_detail": "812 of 2,000 lines",
        },
    )
    assert '<progress id="progress-bar" max="2000" value="812">' in running
    assert '<label for="progress-bar">Importing EBX2-PCBA.xlsx</label>' in running
    assert 'hx-get="/imports/7/progress"' in running and 'hx-trigger="every 2s"' in running
    done = render_to_string(
        "web/partials/progress.html",
        {"progress_value": 2000, "progress_max": 2000, "progress_url": "/x", "progress_done": True},
    )
    assert "hx-get" not in done and "Done." in done
    waiting = render_to_string("web/partials/progress.html", {"progress_label": "Queued"})
    assert '<progress id="progress-bar">' in waiting


def test_csrf_failure_page_explains_what_to_do(people: Any) -> None:
    request = RequestFactory().post("/programs/")
    request.user = people.oem_buyer
    response = csrf_failure(request, reason="CSRF token missing.")
    assert response.status_code == 403
    assert b"reload the page and try again" in response.content


CRAWL = [
    "/",
    "/programs/",
    "/parts/",
    "/boms/",
    "/ndas/",
    "/events/",
    "/access-log/",
    "/settings/tokens/",
]


def test_rendered_pages_label_every_control_and_scope_every_header(
    client_for: Any, programs: Any, parts: Any, boms: Any
) -> None:
    urls = [
        *CRAWL,
        reverse("program_detail", args=[programs["EBX2"].pk]),
        reverse("part_detail", args=[parts["HAL-100-0002"].pk]),
        reverse("bom_detail", args=[boms["EBX2-L"].pk]),
        reverse("login"),
    ]
    client = client_for("oem_buyer")
    checked = 0
    for url in urls:
        response = client.get(url) if url != reverse("login") else Client().get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        labelled = set(re.findall(r'<label[^>]*\sfor="([^"]+)"', html))
        for control in re.finditer(r"<(input|select|textarea)\b([^>]*)>", html):
            attrs = control.group(2)
            if re.search(r'type="(hidden|submit|button)"', attrs):
                continue
            found = re.search(r'\sid="([^"]+)"', attrs)
            assert found and found.group(1) in labelled, f"{url}: unlabelled {control.group(0)}"
            checked += 1
        assert html.count("<table") == html.count("<caption"), url
        for th in re.finditer(r"<th\b([^>]*)>", html):
            assert "scope=" in th.group(1), f"{url}: {th.group(0)}"
        assert 'style="' not in html, url
        assert '<main id="main"' in html and 'href="#main"' in html, url
    assert checked > 20


def test_event_details_read_as_words_not_python() -> None:
    changes = {"status": ["draft", "released"], "matches": {"mpn": 11, "new": 7}, "dnp": True}
    assert changes_text(changes) == "status: draft → released; matches: mpn 11, new 7; dnp: yes"


def test_every_template_title_is_plain_text() -> None:
    """A page's <title> holds text only: markup pasted into a title block (it happened with an
    invoice list whose fee-request table ended up there) renders as the window's name and
    leaves the page without it."""
    root = Path(settings.BASE_DIR) / "accord"
    title = re.compile(r"{%\s*block title\s*%}(.*?){%\s*endblock", re.S)
    offenders = [
        f"{path.relative_to(root)}: {found.group(1)[:60]!r}"
        for path in sorted(root.glob("*/templates/**/*.html"))
        for found in title.finditer(path.read_text(encoding="utf-8"))
        if "<" in found.group(1) or "\n" in found.group(1).strip()
    ]
    assert offenders == []
