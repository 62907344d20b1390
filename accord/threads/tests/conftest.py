"""Fixtures of the threads app's tests: `smtp`, a real SMTP server on the loopback."""

from accord.threads.tests.mail_server import smtp

__all__ = ["smtp"]
