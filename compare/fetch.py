"""Ingest stage, network side: fetch a web page without letting a URL reach the host's own network.

Each hop of a fetch resolves the host name once, refuses the fetch when any of
its addresses is not public (loopback, private, link-local such as cloud
metadata at 169.254.169.254, multicast, reserved, unspecified; IPv4 and IPv6,
IPv4 embedded in IPv6 included), then connects to exactly the address it
checked, sending the original ``Host`` header and verifying TLS for the host
name. Redirects are followed here, at most ``MAX_REDIRECTS``, each one checked
the same way. A watchdog closes the socket when the overall deadline passes, so
a server that sends one byte every few seconds cannot hold a run. See
docs/ingest.md.
"""
from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5.0  # to open one TCP connection
READ_TIMEOUT_S = 10.0  # the longest silence between two packets
DEADLINE_S = 20.0  # the whole fetch: every hop, connect, headers and body
MAX_REDIRECTS = 5
USER_AGENT = "newscompare/0.1"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 well-known prefix: last 32 bits are IPv4


class FetchError(Exception):
    """A refused or failed fetch. The message is for the log only: users see one generic line."""


# ---------------------------------------------------------------- address policy

def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo client, NAT64, IPv4-compatible), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64 or (int(ip) >> 32 == 0 and int(ip) > 1):  # NAT64, or deprecated ::a.b.c.d
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def refusal_reason(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be fetched from (e.g. "loopback"), or None for a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        inner_reason = refusal_reason(inner) if inner is not None else None
        if inner_reason:
            return f"embeds {inner}, which is {inner_reason}"
        if ip.ipv4_mapped is not None:  # the connection goes to the IPv4 address itself
            return None
    for reason, flag in (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
                         ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
                         ("reserved", ip.is_reserved), ("private", ip.is_private),
                         ("site-local", getattr(ip, "is_site_local", False)),
                         ("not globally routable", not ip.is_global)):
        if flag:
            return reason
    return None


def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to, in the resolver's order (tests replace this function)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for *_, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses


def checked_addresses(host: str, port: int, allow_private: bool, seconds: float = DEADLINE_S) -> list[IPAddress]:
    """Resolve ``host`` once, within ``seconds``; refuse it when any of its addresses is
    not public (unless ``allow_private``)."""
    try:
        addresses = _resolve_within(host, port, seconds)
    except (OSError, UnicodeError, ValueError) as exc:
        raise FetchError(f"cannot resolve {host!r}: {exc}") from exc
    if not addresses:
        raise FetchError(f"{host!r} has no address")
    for ip in addresses:
        reason = refusal_reason(ip)
        if reason and not allow_private:
            raise FetchError(f"{host!r} resolves to {ip}, which is {reason}")
    return addresses


def _resolve_within(host: str, port: int, seconds: float) -> list[IPAddress]:
    """``resolve_host`` in a daemon thread, so that a slow resolver counts against the deadline."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(resolve_host(host, port))
        except Exception as exc:  # handed to the caller below
            outcome.append(exc)

    worker = threading.Thread(target=run, name="newscompare-resolve", daemon=True)
    worker.start()
    worker.join(max(seconds, 0.0))
    if not outcome:
        raise FetchError(f"resolving {host!r} took longer than the deadline ({seconds:.1f} s)")
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return outcome[0]


# ---------------------------------------------------------------- pinned connections

class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to a checked address; ``Host`` stays the URL's host name."""

    def __init__(self, host: str, port: int, ip: IPAddress, timeouts: tuple[float, float]):
        super().__init__(host, port, timeout=timeouts[0])
        self.pinned_ip, self.read_timeout = ip, timeouts[1]

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self.pinned_ip), self.port), self.timeout)
        self.sock.settimeout(self.read_timeout)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """HTTPS to a checked address; SNI and certificate checks use the URL's host name."""

    default_port = 443

    def connect(self) -> None:
        super().connect()  # self.sock is the raw socket during the handshake, so the watchdog can cut it
        self.sock = _tls_context().wrap_socket(self.sock, server_hostname=self.host)


def _tls_context() -> ssl.SSLContext:
    try:
        import certifi
    except ImportError:  # pragma: no cover - a declared dependency; the system store is the fallback
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


class _Watchdog:
    """Shuts a connection's socket down when the fetch's deadline passes."""

    def __init__(self, conn: http.client.HTTPConnection, seconds: float):
        self.fired = threading.Event()
        self._conn = conn
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        self.fired.set()
        sock = self._conn.sock
        if sock is not None:
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the raw fd, also under TLS
            except OSError:
                pass

    def __enter__(self) -> "_Watchdog":
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()


# ---------------------------------------------------------------- fetching

@dataclass(frozen=True)
class _Hop:
    """One request's outcome: a body, or where it redirects to."""

    body: bytes | None = None
    location: str | None = None


def fetch(url: str, *, max_bytes: int, allow_private: bool = False, deadline_s: float = DEADLINE_S) -> bytes:
    """Body of ``url`` after at most ``MAX_REDIRECTS`` checked redirects; raises ``FetchError``."""
    deadline = time.monotonic() + deadline_s
    for _ in range(MAX_REDIRECTS + 1):
        hop = _fetch_hop(url, allow_private, deadline, max_bytes)
        if hop.location is None:
            return hop.body or b""
        log.info("%s redirects to %s", url, hop.location)
        url = hop.location
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


@dataclass(frozen=True)
class _Target:
    """What one request needs from its URL: scheme, ASCII (IDNA) host, port, quoted path."""

    scheme: str
    host: str
    port: int
    path: str


def _target(url: str) -> _Target:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise FetchError(f"scheme {parts.scheme!r} is not http or https")
    if not parts.hostname:
        raise FetchError("no host name")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
        port = parts.port or DEFAULT_PORTS[scheme]
    except (UnicodeError, ValueError) as exc:
        raise FetchError(f"bad host or port: {exc}") from exc
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~") + (f"?{quote(parts.query, safe='=&%+/:;,')}"
                                                                   if parts.query else "")
    return _Target(scheme, host, port, path)


def _fetch_hop(url: str, allow_private: bool, deadline: float, max_bytes: int) -> _Hop:
    target = _target(url)
    ip = checked_addresses(target.host, target.port, allow_private, deadline - time.monotonic())[0]
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError(f"deadline passed before connecting to {target.host}")
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    conn = kind(target.host, target.port, ip, (min(CONNECT_TIMEOUT_S, remaining), READ_TIMEOUT_S))
    try:
        with _Watchdog(conn, remaining) as watchdog:
            try:
                hop = _exchange(conn, url, target.path, max_bytes, deadline)
            except (OSError, http.client.HTTPException, ValueError) as exc:
                cause = "the deadline of the whole fetch passed" if watchdog.fired.is_set() else "failed"
                raise FetchError(f"{cause}: {exc.__class__.__name__}: {exc}") from exc
            if watchdog.fired.is_set():  # a body cut off by the watchdog looks like a short one
                raise FetchError("the deadline of the whole fetch passed")
            return hop
    finally:
        conn.close()


def _exchange(conn: http.client.HTTPConnection, url: str, path: str, max_bytes: int, deadline: float) -> _Hop:
    conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate",
                                       "Accept": "text/html,text/plain;q=0.9,*/*;q=0.5"})
    resp = conn.getresponse()
    if resp.status in REDIRECT_STATUSES:
        location = resp.getheader("Location")
        if not location:
            raise FetchError(f"HTTP {resp.status} without a Location")
        return _Hop(location=urljoin(url, location.strip()))
    if not 200 <= resp.status < 300:
        raise FetchError(f"HTTP {resp.status} {resp.reason}")
    body = _read_capped(resp, max_bytes, deadline)
    return _Hop(body=_decompress(body, resp.getheader("Content-Encoding", ""), max_bytes))


def _read_capped(resp: http.client.HTTPResponse, max_bytes: int, deadline: float) -> bytes:
    chunks, size = [], 0
    while chunk := resp.read1(65536):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"larger than {max_bytes:,} bytes")
        if time.monotonic() > deadline:
            raise FetchError("deadline of the whole fetch passed while reading the body")
        chunks.append(chunk)
    return b"".join(chunks)


def _decompress(body: bytes, encoding: str, max_bytes: int) -> bytes:
    """Undo gzip/deflate content coding, with the same size cap on the result (no zip bombs)."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"unsupported Content-Encoding {encoding!r}")
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32 if encoding != "deflate" else zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise FetchError(f"bad {encoding} body: {exc}") from exc
    if len(out) > max_bytes:
        raise FetchError(f"larger than {max_bytes:,} bytes once decompressed")
    return out
