"""A small round-robin HTTP proxy for the load test, standing in for Caddy or nginx (none is installed here).

It does what deploy/caddy/Caddyfile asks of Caddy, in the least code: it passes each request to the next
app server in turn, says who the client is (`X-Forwarded-For`) and that the client came over HTTPS
(`X-Forwarded-Proto`, as a TLS-terminating proxy does), and passes on or makes an `X-Request-ID`. An app
server that refuses the connection is marked down and skipped, and a background check of `/healthz`
brings it back. A request that never reached an app server goes to the next one; a request that
reached one and got no answer is answered 502 and never sent twice (a POST may have been carried
out: the client retries it with its idempotency key, as a browser user would).

    python -m bench.load.proxy --port 8480 --backend 127.0.0.1:8481 --backend 127.0.0.1:8482

Not for production: use Caddy or nginx (docs/operations/production.md).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "proxy-connection",
}
DOWN_SECONDS = 2.0  # how long a refused app server is skipped before it is tried again
TIMEOUT = 60.0


class Backends:
    """The app servers in turn, skipping any marked down."""

    def __init__(self, addresses: list[tuple[str, int]]):
        self.addresses = addresses
        self._turn = itertools.cycle(range(len(addresses)))
        self._down_until = [0.0] * len(addresses)
        self._lock = threading.Lock()
        self.refused = 0

    def order(self) -> list[int]:
        """Every app server once, starting with the next in turn, those marked down last."""
        with self._lock:
            first = next(self._turn)
        ring = [(first + i) % len(self.addresses) for i in range(len(self.addresses))]
        now = time.monotonic()
        return [i for i in ring if self._down_until[i] <= now] + [
            i for i in ring if self._down_until[i] > now
        ]

    def mark_down(self, index: int) -> None:
        with self._lock:
            self.refused += 1
            self._down_until[index] = time.monotonic() + DOWN_SECONDS

    def mark_up(self, index: int) -> None:
        self._down_until[index] = 0.0

    def watch(self, interval: float = 1.0) -> None:
        """Ask each app server's /healthz every `interval` seconds; mark it down or up by the answer."""
        while True:
            for index, (host, port) in enumerate(self.addresses):
                try:
                    conn = http.client.HTTPConnection(host, port, timeout=2)
                    conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
                    healthy = conn.getresponse().status == 200
                    conn.close()
                except OSError:
                    healthy = False
                if healthy:
                    self.mark_up(index)
                elif self._down_until[index] <= time.monotonic():
                    self.mark_down(index)
            time.sleep(interval)


def make_handler(backends: Backends):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - the standard library's name
            pass  # the app servers log every request; the proxy's own lines would double them

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            client = self.client_address[0]
            earlier = self.headers.get("X-Forwarded-For")
            headers["X-Forwarded-For"] = f"{earlier}, {client}" if earlier else client
            headers["X-Forwarded-Proto"] = "https"
            headers.setdefault("X-Request-ID", secrets.token_hex(8))
            for index in backends.order():
                host, port = backends.addresses[index]
                conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
                try:
                    conn.connect()
                except OSError:
                    backends.mark_down(index)  # never reached it: safe to try the next one
                    conn.close()
                    continue
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                    response = conn.getresponse()
                    payload = response.read()
                except (OSError, http.client.HTTPException):
                    conn.close()
                    backends.mark_down(index)
                    self._answer(502, b"The app server stopped while answering. Try again.")
                    return
                conn.close()
                self.send_response(response.status, response.reason)
                for name, value in response.getheaders():
                    if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)
                return
            self._answer(503, b"No app server is answering. Try again in a moment.")

        def _answer(self, status: int, text: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)

        do_GET = do_POST = do_HEAD = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _forward

    return Handler


def serve(
    port: int, addresses: list[tuple[str, int]], *, host: str = "127.0.0.1", watch: bool = True
) -> ThreadingHTTPServer:
    """Start the proxy (and, unless `watch` is False, its health watcher) in threads; return the server."""
    backends = Backends(addresses)
    server = ThreadingHTTPServer((host, port), make_handler(backends))
    server.daemon_threads = True
    server.backends = backends  # type: ignore[attr-defined]
    if watch:
        threading.Thread(target=backends.watch, daemon=True).start()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load.proxy", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--backend", action="append", type=_address, required=True, help="HOST:PORT, once per app server"
    )
    args = parser.parse_args(argv)
    server = serve(args.port, args.backend)
    print(f"proxy on 127.0.0.1:{args.port} -> {', '.join(f'{h}:{p}' for h, p in args.backend)}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
