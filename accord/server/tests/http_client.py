"""Raw HTTP/1.1 over sockets, for what urllib and the test client cannot send: a body that
arrives a byte at a time, a chunked body, a head that never ends, garbage."""

from __future__ import annotations

import http.client
import json
import socket
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # names in lower case
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body)


def connect(port: int, timeout: float = 10.0) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def head(method: str, path: str, *headers: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_answer(sock: socket.socket) -> Answer | None:
    """The next answer on the connection; None when it closed without one."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            if data:
                raise AssertionError(f"the connection closed inside an answer: {data[:200]!r}")
            return None
        data += chunk
    raw_head, body = data.split(b"\r\n\r\n", 1)
    status_line, *header_lines = raw_head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        return Answer(int(status_line.split(" ")[1]), headers, _dechunk(sock, body))
    length = int(headers["content-length"])
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return Answer(int(status_line.split(" ")[1]), headers, body[:length])


def _dechunk(sock: socket.socket, data: bytes) -> bytes:
    body = b""
    while True:
        while b"\r\n" not in data:
            data += sock.recv(65536)
        size_line, data = data.split(b"\r\n", 1)
        size = int(size_line.split(b";")[0], 16)
        while len(data) < size + 2:
            data += sock.recv(65536)
        if size == 0:
            return body
        body, data = body + data[:size], data[size + 2 :]


def closed_by_server(sock: socket.socket, within: float = 3.0) -> bool:
    """Whether the server closes the connection (after what it answered) within seconds."""
    sock.settimeout(within)
    try:
        return sock.recv(65536) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def exchange(port: int, data: bytes, timeout: float = 10.0) -> Answer:
    with connect(port, timeout) as sock:
        sock.sendall(data)
        answer = read_answer(sock)
    assert answer is not None, f"no answer to {data[:80]!r}"
    return answer


def assert_json_error(answer: Answer, status: int, code: str) -> dict[str, Any]:
    assert answer.status == status, (answer.status, answer.body[:300])
    assert answer.headers["content-type"].startswith("application/json"), answer.headers
    body = answer.json()
    assert set(body) == {"code", "message", "detail"}, body
    assert body["code"] == code, body
    assert body["message"]
    return dict(body)


def timed_get(
    port: int, path: str, timeout: float = 10.0, headers: dict[str, str] | None = None
) -> tuple[int, float]:
    """Status and seconds of an ordinary GET on a new connection."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        conn.close()
