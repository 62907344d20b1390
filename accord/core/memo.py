"""The per-request memo of the access layer. No model import here: the server's worker class
(loaded before Django's apps) reaches the middleware, which opens a memo per request."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

# What the access layer worked out once during a request (a person's programs and NDAs), so
# that the next check of the same request reuses it. One dict per request, in a context
# variable: nothing is shared between requests, threads or processes, and outside a request
# (tests calling access.py directly, commands, tasks) nothing is remembered at all.
_request_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar(
    "accord_request_memo", default=None
)


@contextmanager
def request_memo() -> Iterator[None]:
    """Remember access facts until the block ends (accord.core.middleware opens one a request)."""
    token = _request_memo.set({})
    try:
        yield
    finally:
        _request_memo.reset(token)


@contextmanager
def access_memo() -> Iterator[None]:
    """Remember access facts until the block ends, within the request's memo when there is one.
    Work outside a request that checks many things for one person at one moment (a digest, the
    targets of an inbox window, the recipients of a notification) opens one, so that the
    person's programs and NDAs are read once, not once per visibility rule."""
    if _request_memo.get() is not None:
        yield
        return
    with request_memo():
        yield


def memoised(key: Hashable, compute: Callable[[], T]) -> T:
    """compute() once per request for this key; every call outside a request computes anew."""
    memo = _request_memo.get()
    if memo is None:
        return compute()
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = compute()
        return value


def forget_memoised() -> None:
    """Services that change who may see what (members, partners, NDAs) call this, so that the
    rest of the same request sees the change."""
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()
