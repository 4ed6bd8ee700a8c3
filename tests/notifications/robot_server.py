"""A stand-in for the 企业微信 / 钉钉 group-robot servers: a local HTTP server on 127.0.0.1 (a random port, in a
thread of the test process) that records every POST and answers by a script the test writes.

    robot_server.fail_next(2, status=500)                  # two HTTP 500s …
    robot_server.reply_next(errcode=93000, errmsg="invalid webhook url")   # … one refusal …
    # … then the default answer, {"errcode": 0, "errmsg": "ok"}
    robot_server.always(errcode=310000, errmsg="keywords not in content")  # or a robot that always refuses

`robot_server.url("/robot/send?key=abc")` is the address to give a WebhookEndpoint (127.0.0.1 is in the tests'
NOTIFICATION_WEBHOOK_HOSTS, and the real worker's). Nothing here ever contacts a real server. A real worker
process posts to it as well: the server runs as long as the test does.
"""

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

OK = {"errcode": 0, "errmsg": "ok"}


@dataclass(frozen=True)
class Received:
    """One POST the robot received."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    raw: bytes
    body: object  # the decoded JSON, or None when the body was not JSON

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass(frozen=True)
class Reply:
    status: int = 200
    payload: object = None  # JSON answer; None → an empty body
    raw: bytes | None = None  # written as is instead of an HTTP response (a broken server)

    def encoded(self) -> bytes:
        return b"" if self.payload is None else json.dumps(self.payload, ensure_ascii=False).encode()


class RobotServer:
    def __init__(self):
        self._lock = threading.Lock()
        self._received: list[Received] = []
        self._script: deque[Reply] = deque()
        self._default = Reply(200, OK)
        self.delay = 0.0  # seconds each answer takes (a slow robot, to catch a worker mid-chunk)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="robot-server", daemon=True)

    # -- life cycle -------------------------------------------------------------------------------------
    def start(self) -> "RobotServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str = "/cgi-bin/webhook/send?key=test-robot-key") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    # -- the script -------------------------------------------------------------------------------------
    def fail_next(self, n: int = 1, *, status: int = 500, errcode: int | None = None, errmsg: str = "") -> None:
        """Answer the next `n` POSTs with a failure: an HTTP error `status`, or (with `errcode`) HTTP 200 and a
        JSON refusal such as {"errcode": 93000, "errmsg": "invalid webhook url"}."""
        reply = (Reply(200, {"errcode": errcode, "errmsg": errmsg}) if errcode is not None
                 else Reply(status, {"errcode": -1, "errmsg": "system busy"}))
        with self._lock:
            self._script.extend([reply] * n)

    def reply_next(self, *, status: int = 200, errcode: int = 0, errmsg: str = "ok", payload=...) -> None:
        """Queue one answer (HTTP `status`, JSON errcode/errmsg, or an arbitrary `payload`)."""
        body = {"errcode": errcode, "errmsg": errmsg} if payload is ... else payload
        with self._lock:
            self._script.append(Reply(status, body))

    def garble_next(self, n: int = 1, raw: bytes = b"SSH-2.0-OpenSSH_9.2\r\n\r\n") -> None:
        """Answer the next `n` POSTs with something that is not HTTP at all (a proxy or another service)."""
        with self._lock:
            self._script.extend([Reply(raw=raw)] * n)

    def always(self, *, status: int = 200, errcode: int = 0, errmsg: str = "ok") -> None:
        """The answer once the script is used up (by default: {"errcode": 0, "errmsg": "ok"})."""
        with self._lock:
            self._default = Reply(status, {"errcode": errcode, "errmsg": errmsg})

    # -- what was received ------------------------------------------------------------------------------
    @property
    def requests(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def wait_for_requests(self, count: int, timeout: float = 10) -> list[Received]:
        """Poll until at least `count` POSTs arrived; fail with what did arrive otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            received = self.requests
            if len(received) >= count:
                return received
            time.sleep(0.02)
        pytest.fail(f"the robot server received {len(self.requests)} POSTs, expected {count}")

    # -- the handler ------------------------------------------------------------------------------------
    def _record_and_answer(self, request: Received) -> Reply:
        with self._lock:
            self._received.append(request)
            return self._script.popleft() if self._script else self._default

    def _handler_class(self):
        robot = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw.decode("utf-8")) if raw else None
                except ValueError:
                    body = None
                split = urlsplit(self.path)
                reply = robot._record_and_answer(Received(
                    path=split.path, query=parse_qs(split.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()}, raw=raw, body=body))
                if robot.delay:
                    time.sleep(robot.delay)
                if reply.raw is not None:
                    self.wfile.write(reply.raw)
                    self.close_connection = True
                    return
                data = reply.encoded()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(data)
                self.close_connection = True

            def do_GET(self):  # noqa: N802 - robots take POSTs only
                self.send_error(405)

            def log_message(self, format, *args):  # noqa: A002 - keep the test output quiet
                pass

        return Handler


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connections to it are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def robot_server():
    server = RobotServer().start()
    try:
        yield server
    finally:
        server.stop()
