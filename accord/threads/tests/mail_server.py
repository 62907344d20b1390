"""A real SMTP server on the loopback (aiosmtpd), and Django's SMTP backend pointed at it: the
notification tests read what was really sent, headers and all."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    """What the server received: one message per e-mail, with its envelope recipients."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    # The SMTP session (one a connection) each message came in.
    sessions: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), message))
        self.sessions.append(session)
        return "250 OK"

    def connections(self) -> int:
        """How many connections the messages came over."""
        return len({id(session) for session in self.sessions})

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.messages if address in rcpt]

    def recipients(self) -> set[str]:
        return {a for rcpt, _ in self.messages for a in rcpt}

    def clear(self) -> None:
        self.messages.clear()
        self.sessions.clear()


@dataclass
class SmtpServer:
    inbox: Inbox
    controller: Controller
    running: bool = True

    def stop(self) -> None:
        if self.running:
            self.controller.stop()
            self.running = False

    def start(self) -> None:
        """Start again, on the same port (a stopped controller's loop is closed: a new one)."""
        if not self.running:
            self.controller = Controller(
                self.inbox, hostname=self.controller.hostname, port=self.controller.port
            )
            self.controller.start()
            self.running = True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpServer]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.ACCORD_EMAIL_ENABLED = True
    server = SmtpServer(inbox, controller)
    try:
        yield server
    finally:
        server.stop()
