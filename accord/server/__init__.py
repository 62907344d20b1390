"""How Accord meets its clients over HTTP (ADR 0005).

gunicorn's master (preload, gc.freeze, recycling, the task worker) forks workers of
`worker.AccordWorker`: uvicorn's asyncio server with `protocol.AccordH11Protocol`, running the
ASGI application of accord/asgi.py: `guard.RequestGuard` in front of
`handler.ThreadedDjangoHandler`.

- A request is read by the event loop, not by a thread: a client that sends its body slowly
  costs a socket and a coroutine, never a thread that other requests wait for. Only a complete
  request goes to one of the worker's threads, which runs Django as the WSGI handler would.
- Every request has a deadline to arrive (`ACCORD_REQUEST_TIMEOUT`): the head within it, the
  body within it plus a second per `MIN_BODY_RATE` bytes received.
- What the server answers itself (a request it cannot parse, a line or head too long, no
  Content-Length, too large, too slow) is `{"code", "message", "detail"}` JSON like every
  other API error (`errors.py`), and never reaches Django.
"""
