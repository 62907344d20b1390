"""The server `accord serve` runs, started with its own command line, met by slow, malformed and
hostile clients over raw sockets (what a browser or the test client never sends).

One server for the module (gunicorn_conf's default number of workers, as `accord serve`) with
the demo workspace (accord/web/tests/live_server.py), with a short ACCORD_REQUEST_TIMEOUT so the
deadlines can be watched in a few seconds. Its database is a SQLite file of its own or, when the
suite runs on PostgreSQL, a PostgreSQL database of its own beside the suite's: how the server's
threads hold their connections is part of what is tested.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from accord.server.guard import MAX_REQUEST_HEAD, MAX_REQUEST_LINE
from accord.server.tests.http_client import (
    Answer,
    assert_json_error,
    closed_by_server,
    connect,
    exchange,
    head,
    read_answer,
    timed_get,
)
from accord.web.tests.live_server import LiveServer, running_server

REQUEST_TIMEOUT = 4.0  # seconds: ACCORD_REQUEST_TIMEOUT of this module's server
ORDINARY_PATHS = ["/login/", "/api/v1/"]


WORKERS, THREADS = 2, 4  # gunicorn_conf's, which `accord serve` keeps


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.fixture(scope="module")
def server_database() -> Iterator[dict[str, str]]:
    """DATABASE_URL for the server: unset (live_server's SQLite file), or a new PostgreSQL
    database beside the suite's, dropped afterwards."""
    url = _postgres_url()
    if url is None:
        yield {}
        return
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'accord'}_live_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}"))}
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, server_database: dict[str, str]
) -> Iterator[LiveServer]:
    with running_server(
        tmp_path_factory.mktemp("accord-serve"),
        workers=None,
        extra_env={"ACCORD_REQUEST_TIMEOUT": str(REQUEST_TIMEOUT), **server_database},
    ) as live:
        # A fresh worker's first requests load templates and open the database; that is not
        # what the tests measure. The kernel spreads the connections over both workers.
        port = int(live.url.rsplit(":", 1)[1])
        for _ in range(10):
            for path in ORDINARY_PATHS:
                timed_get(port, path)
        yield live
        log = live.log.read_text(errors="replace")
        # Nothing these clients sent made the server fail (a refused Host is logged, as ever).
        assert "Exception in ASGI application" not in log, live.log_tail(60)
        assert '" 500' not in log, live.log_tail(60)


@pytest.fixture
def port(server: LiveServer) -> int:
    return int(server.url.rsplit(":", 1)[1])


def test_fifty_slow_bodies_do_not_delay_an_ordinary_request(port):
    """Each slow client holds a socket, not a thread: the others are served at once."""
    body_bytes, interval = 8, 0.2
    slow = []
    for i in range(50):
        sock = connect(port)
        if i % 2:
            path, content_type = "/api/v1/parts", "application/json"
        else:
            path, content_type = "/login/", "application/x-www-form-urlencoded"
        sock.sendall(
            head("POST", path, f"Content-Type: {content_type}", f"Content-Length: {body_bytes}")
        )
        slow.append((path, sock))
    during = []
    try:
        for _ in range(body_bytes - 1):  # every body stays incomplete until after this loop
            time.sleep(interval)
            for _path, sock in slow:
                sock.sendall(b"x")
            during += [timed_get(port, path) for path in ORDINARY_PATHS]
        for _path, sock in slow:
            sock.sendall(b"x")
        answers = [(path, read_answer(sock)) for path, sock in slow]
    finally:
        for _path, sock in slow:
            sock.close()
    after = [timed_get(port, path) for path in ORDINARY_PATHS * 3]

    assert all(status == 200 for status, _seconds in during + after), during + after
    assert max(seconds for _status, seconds in during) < 1.0, during
    assert max(seconds for _status, seconds in after) < 1.0, after
    # The slow clients were served too, once their bodies were in (not signed in: 401, 403).
    for path, answer in answers:
        assert answer is not None
        if path.startswith("/api/"):
            assert_json_error(answer, 401, "unauthenticated")
        else:
            assert answer.status == 403, answer.status


def _stalled(port: int, data: bytes) -> tuple[Answer | None, float, bool]:
    """Send data, then nothing: what comes back, after how long, and whether it closed."""
    started = time.monotonic()
    with connect(port, timeout=REQUEST_TIMEOUT + 6) as sock:
        if data:
            sock.sendall(data)
        answer = read_answer(sock)
        return answer, time.monotonic() - started, answer is None or closed_by_server(sock)


def _trickling(port: int) -> tuple[Answer | None, float, bool]:
    """A body that keeps arriving, a byte every half second, and would take hours to end."""
    started = time.monotonic()
    with connect(port, timeout=0.5) as sock:
        sock.sendall(head("POST", "/api/v1/parts", "Content-Length: 100000"))
        while time.monotonic() - started < REQUEST_TIMEOUT + 6:
            try:
                sock.sendall(b" ")
                sock.settimeout(0.5)
                answer = read_answer(sock)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                return None, time.monotonic() - started, True
            return answer, time.monotonic() - started, answer is None or closed_by_server(sock)
    return None, time.monotonic() - started, False


def test_requests_that_never_arrive_are_answered_408_and_closed_at_the_deadline(port):
    with ThreadPoolExecutor(max_workers=5) as pool:
        api_body = pool.submit(
            _stalled, port, head("POST", "/api/v1/parts", "Content-Length: 100") + b'{"nu'
        )
        page_body = pool.submit(
            _stalled, port, head("POST", "/login/", "Content-Length: 100") + b"username="
        )
        partial_head = pool.submit(_stalled, port, b"GET /api/v1/ HTTP/1.1\r\nHost: 127.0")
        silent = pool.submit(_stalled, port, b"")
        trickle = pool.submit(_trickling, port)

    for future in (api_body, partial_head, trickle):
        answer, seconds, closed = future.result()
        assert answer is not None
        assert_json_error(answer, 408, "request_timeout")
        assert REQUEST_TIMEOUT - 0.5 < seconds < REQUEST_TIMEOUT + 3, seconds
        assert closed
    answer, seconds, closed = page_body.result()
    assert answer is not None and answer.status == 408
    assert answer.headers["content-type"].startswith("text/plain")
    assert b"did not arrive in time" in answer.body and closed
    answer, seconds, closed = silent.result()
    assert answer is None and closed  # a connection that never said anything is just closed
    assert REQUEST_TIMEOUT - 0.5 < seconds < REQUEST_TIMEOUT + 3, seconds
    assert all(timed_get(port, path)[0] == 200 for path in ORDINARY_PATHS)


def test_a_body_without_content_length_answers_411(port):
    chunked = "Transfer-Encoding: chunked"
    api = exchange(port, head("POST", "/api/v1/parts", chunked) + b"2\r\n{}\r\n0\r\n\r\n")
    body = assert_json_error(api, 411, "length_required")
    assert "Content-Length" in body["message"]
    page = exchange(port, head("POST", "/login/", chunked) + b"3\r\na=b\r\n0\r\n\r\n")
    assert page.status == 411
    assert page.headers["content-type"].startswith("text/plain")
    assert b"Content-Length" in page.body and b"<" not in page.body


def test_a_body_announced_past_the_upload_limit_answers_413_before_it_is_sent(port):
    length = "Content-Length: 999999999"
    body = assert_json_error(
        exchange(port, head("POST", "/api/v1/parts", length)), 413, "too_large"
    )
    assert body["detail"] == {"max_mb": 20}
    page = exchange(port, head("POST", "/login/", length))
    assert page.status == 413 and page.headers["content-type"].startswith("text/plain")


def test_an_over_long_request_line_answers_414_json(port):
    long_path = "/api/v1/parts?q=" + "a" * MAX_REQUEST_LINE
    assert_json_error(exchange(port, head("GET", long_path)), 414, "uri_too_long")
    # The same on a page address: the server answers these, not the site.
    assert_json_error(
        exchange(port, head("GET", "/parts/?q=" + "a" * MAX_REQUEST_LINE)), 414, "uri_too_long"
    )
    # A line that never ends is refused by the parser as soon as it passes the head's limit.
    never_ending = b"GET /api/v1/parts?q=" + b"a" * (2 * MAX_REQUEST_HEAD)
    assert_json_error(exchange(port, never_ending), 414, "uri_too_long")
    # Just under the limit is served.
    fits = "/api/v1/?q=" + "a" * (MAX_REQUEST_LINE - 20)
    assert exchange(port, head("GET", fits)).status == 200


def test_over_large_headers_answer_431_json(port):
    big = "X-Padding: " + "a" * MAX_REQUEST_HEAD
    assert_json_error(exchange(port, head("GET", "/api/v1/", big)), 431, "headers_too_large")
    many = [f"X-Header-{i}: {'b' * 100}" for i in range(MAX_REQUEST_HEAD // 100)]
    assert_json_error(exchange(port, head("GET", "/login/", *many)), 431, "headers_too_large")
    # Headers that never end are refused by the parser once past the limit.
    endless = (
        head("GET", "/api/v1/").removesuffix(b"\r\n")
        + b"X-Padding: "
        + b"a" * (2 * MAX_REQUEST_HEAD)
    )
    assert_json_error(exchange(port, endless), 431, "headers_too_large")
    fits = "X-Padding: " + "a" * (MAX_REQUEST_HEAD // 2)
    assert exchange(port, head("GET", "/api/v1/", fits)).status == 200


GARBAGE = [
    b"GARBAGE\r\n\r\n",
    b"GET /api/v1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon here\r\n\r\n",
    b"GET /api/v1/ HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /api/v1/\xff HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"POST /api/v1/parts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ten\r\n\r\n",
    b"POST /api/v1/parts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
    b"Content-Length: 6\r\n\r\n",
    b"GET /api/v1/ HTTP/1.1\r\n\r\n",  # HTTP/1.1 without Host
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40,  # TLS to a plain-HTTP port
]


@pytest.mark.parametrize("data", GARBAGE, ids=range(len(GARBAGE)))
def test_a_request_that_is_not_http_answers_400_json(port, data):
    assert_json_error(exchange(port, data), 400, "bad_request")


def test_nothing_the_server_answers_under_the_api_is_html(port):
    """What Django refuses before any view, under /api/, is JSON too (a Host not allowed)."""
    refused = exchange(port, head("GET", "/api/v1/").replace(b"127.0.0.1", b"evil.example"))
    assert_json_error(refused, 400, "bad_request")
    page = exchange(port, head("GET", "/login/").replace(b"127.0.0.1", b"evil.example"))
    assert page.status == 400  # a page address keeps Django's page


def test_database_connections_stay_one_per_thread(server, server_database, port):
    """Requests run on each worker's fixed threads, which keep their connections (CONN_MAX_AGE)
    as under gunicorn's threaded workers: many requests, never more connections than threads,
    and still open once the requests are answered (SQLite's too: a new one per request cost a
    part read 3 ms)."""
    bearer = {"Authorization": "Bearer acc_not-a-token"}  # looked up in the database: 401

    def get(_: int) -> int:
        return timed_get(port, "/api/v1/me", headers=bearer)[0]

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(get, range(120)))
    assert set(statuses) == {401}
    if server_database:
        import psycopg

        url = server_database["DATABASE_URL"]
        name = urlsplit(url).path.lstrip("/")
        admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name]
            ).fetchone()
        assert row is not None
        connections = row[0]
    else:
        connections = _open_sqlite_connections(server)
    assert 1 <= connections <= WORKERS * THREADS, connections


def _open_sqlite_connections(server: LiveServer) -> int:
    """The server's worker processes' open descriptors of the database file itself (one per
    SQLite connection; the -wal and -shm files are other names)."""
    database = server.database.resolve()
    processes, count = [str(server.process.pid)], 0
    for pid in processes:  # the server's process and its descendants (grows as it goes)
        for task in Path(f"/proc/{pid}/task").iterdir():
            processes.extend((task / "children").read_text().split())
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if Path(os.readlink(fd)) == database:
                    count += 1
            except OSError:
                continue  # closed while we looked
    return count
