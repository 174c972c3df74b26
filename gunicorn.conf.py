"""gunicorn's settings for the API. gunicorn reads ``./gunicorn.conf.py`` from the directory it starts in:
the repository root for ``make run`` and the tests, /app in the image.

gunicorn answers some requests itself, before the app sees them: a request line over
``limit_request_line`` (414), a header over ``limit_request_field_size`` or more than
``limit_request_fields`` headers (431), a malformed request (400). Its page for those is HTML; it has
no setting or hook for that page, so its writer is replaced here by one that sends the API's JSON
error envelope (api/errors.py), with the same status. tests/integration/test_hostile_server.py checks
this against a real gunicorn, so an upgrade that moves the writer fails there, not in production.
"""
import json

import gunicorn.util

# gunicorn's defaults, written out: the URL and header sizes the API takes.
limit_request_line = 4094
limit_request_field_size = 8190
limit_request_fields = 100

_CODES = {400: "bad_request", 403: "forbidden", 414: "uri_too_long", 417: "expectation_failed",
          431: "headers_too_large", 500: "internal_error", 501: "not_implemented"}


def _write_json_error(sock, status_int, reason, mesg):
    body = json.dumps({"error": {"code": _CODES.get(status_int, "bad_request"), "message": mesg or reason,
                                 "details": {}}}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode("latin-1")
    gunicorn.util.write_nonblock(sock, head + body)


gunicorn.util.write_error = _write_json_error


def post_fork(server, worker):
    """Buffers of a MiB or more straight from the kernel and back to it when freed: glibc otherwise raises
    its mmap threshold after the first big free (up to 32 MiB), and a big body's 4 MB decoding chunks and
    parse buffers then stay in the heap of whichever of the worker's threads served it, so the process's
    peak grew with the order its threads ran in (bench/api_memory.py)."""
    import ctypes
    import ctypes.util

    M_MMAP_THRESHOLD = -3
    name = ctypes.util.find_library("c")
    if name:
        ctypes.CDLL(name).mallopt(M_MMAP_THRESHOLD, 1024 * 1024)
