"""Ingest, network side: the address policy, redirects, the opt-in and the deadline, on a local server."""
import gzip
import http.server
import ipaddress
import shutil
import ssl
import subprocess
import threading
import time

import pytest

from compare import fetch
from compare.fetch import embedded_ipv4, refusal_reason
from compare.corpus import ArticleRef, read_ref
from compare.ingest import FETCH_FAILED, IngestError, article_from_url, fetch_url

PAGE = ("<html><head><title>Vote</title></head><body><article>"
        "<p>Lawmakers on Tuesday voted to recognise two breakaway regions as independent states.</p>"
        "<p>The resolution now goes to the president, the speaker of the lower house said on Tuesday.</p>"
        "</article></body></html>").encode()


@pytest.mark.parametrize("address,reason", [
    ("127.0.0.1", "loopback"), ("127.255.0.9", "loopback"), ("0.0.0.0", "unspecified"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"), ("224.0.0.1", "multicast"), ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"), ("100.64.0.1", "not globally routable"), ("192.0.2.1", "private"),
    ("::1", "loopback"), ("::", "unspecified"), ("fe80::1", "link-local"), ("ff02::1", "multicast"),
    ("fc00::1", "private"), ("fd12:3456::1", "private"), ("fec0::1", "site-local"), ("2001:db8::1", "private"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:169.254.169.254", "link-local"), ("::ffff:10.0.0.1", "private"),
    ("::127.0.0.1", "loopback"), ("2002:7f00:1::", "loopback"), ("2002:a9fe:a9fe::1", "link-local"),
    ("64:ff9b::a9fe:a9fe", "link-local"), ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"),
])
def test_non_public_addresses_are_refused(address, reason):
    assert reason in refusal_reason(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8",
                                     "2002:808:808::1"])
def test_public_addresses_pass(address):
    assert refusal_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize("address,inner", [("::ffff:1.2.3.4", "1.2.3.4"), ("2002:102:304::", "1.2.3.4"),
                                           ("64:ff9b::102:304", "1.2.3.4"), ("2606:4700::1111", None)])
def test_embedded_ipv4(address, inner):
    found = embedded_ipv4(ipaddress.IPv6Address(address))
    assert (str(found) if found else None) == inner


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):
        self.server.hosts.append(self.headers["Host"])
        self.server.paths.append(self.path)
        status, headers, body = self.routes.get(self.path, (404, {}, b"not here"))
        if callable(body):
            return body(self)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _drip(handler, data: bytes):
    """Send ``data`` one byte every 0.2 s (200 s for 1,000 bytes) until the client hangs up."""
    try:
        for byte in data:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(0.2)
    except OSError:
        pass


def _drip_body(handler):
    handler.send_response(200)
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    _drip(handler, b"x" * 1000)


def _drip_headers(handler):
    _drip(handler, b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 1000)


@pytest.fixture
def server():
    routes = {"/page": (200, {"Content-Type": "text/html"}, PAGE),
              "/to-page": (302, {"Location": "/page"}, b""),
              "/to-loopback": (302, {"Location": "http://127.0.0.1:{port}/page"}, b""),
              "/to-localhost": (301, {"Location": "http://localhost:{port}/page"}, b""),
              "/loop": (302, {"Location": "/loop"}, b""),
              "/gzip": (200, {"Content-Encoding": "gzip"}, gzip.compress(PAGE)),
              "/bomb": (200, {"Content-Encoding": "gzip"}, gzip.compress(b" " * 2_000_000)),
              "/drip": (200, {}, _drip_body), "/drip-headers": (200, {}, _drip_headers)}
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), type("H", (_Handler,), {"routes": routes}))
    srv.daemon_threads, srv.hosts, srv.paths = True, [], []
    port = srv.server_address[1]
    for path, (status, headers, body) in routes.items():
        routes[path] = (status, {k: v.format(port=port) for k, v in headers.items()}, body)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv, port
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def public_name(monkeypatch):
    """Names under '.test' reach the local server but count as public: the resolver answers
    a documentation address the policy is told is public, and the connection to it goes to
    127.0.0.1; every other name and address is judged as usual."""
    real_resolve, real_reason = fetch.resolve_host, fetch.refusal_reason
    pinned = ipaddress.ip_address("127.0.0.1")
    marker = ipaddress.ip_address("203.0.113.77")  # what the fake public name "resolves" to for the policy

    def resolve(host, port):
        return [marker] if host.endswith(".test") else real_resolve(host, port)

    def reason(ip):
        return None if ip == marker else real_reason(ip)

    real_conn_init = fetch._PinnedHTTPConnection.__init__

    def conn_init(self, host, port, ip, timeouts):
        real_conn_init(self, host, port, pinned if ip == marker else ip, timeouts)

    monkeypatch.setattr(fetch, "resolve_host", resolve)
    monkeypatch.setattr(fetch, "refusal_reason", reason)
    monkeypatch.setattr(fetch._PinnedHTTPConnection, "__init__", conn_init)
    return "news.test"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "2130706433", "0x7f.1"])
def test_local_server_is_refused_with_the_generic_message(server, host, caplog):
    srv, port = server
    with pytest.raises(IngestError) as err:
        fetch_url(f"http://{host}:{port}/page")
    assert str(err.value) == FETCH_FAILED
    assert srv.hosts == []  # refused before connecting
    assert "refused or failed" in caplog.text


def test_every_failure_has_the_same_message(server):
    srv, port = server
    messages = set()
    for url in (f"http://127.0.0.1:{port}/missing", f"http://127.0.0.1:{port}/page",
                "http://127.0.0.1:9/closed-port", "http://no-such-host.invalid/"):
        with pytest.raises(IngestError) as err:
            fetch_url(url, allow_private="/missing" in url or ":9/" in url, timeout=3)
        messages.add(str(err.value))
    assert messages == {FETCH_FAILED}


def test_opt_in_lets_the_local_server_through(server):
    srv, port = server
    assert fetch_url(f"http://127.0.0.1:{port}/page", allow_private=True) == PAGE
    article = article_from_url(f"http://localhost:{port}/to-page", allow_private=True)
    assert "voted to recognise" in article.text and article.date == ""
    assert srv.hosts[-1] == f"localhost:{port}"  # the Host header is the name, not the address


def test_read_ref_opt_in(server):
    srv, port = server
    ref = ArticleRef(story="s", location=f"http://127.0.0.1:{port}/page")
    with pytest.raises(IngestError, match=FETCH_FAILED):
        read_ref(ref)
    assert "voted" in read_ref(ref, allow_private_urls=True).text


def test_public_name_connects_to_the_checked_address(server, public_name):
    srv, port = server
    assert fetch_url(f"http://{public_name}:{port}/to-page") == PAGE
    assert srv.hosts == [f"{public_name}:{port}"] * 2


@pytest.mark.parametrize("path", ["/to-loopback", "/to-localhost"])
def test_redirect_to_a_refused_address_is_refused(server, public_name, path):
    srv, port = server
    with pytest.raises(IngestError, match=FETCH_FAILED):
        fetch_url(f"http://{public_name}:{port}{path}")
    assert srv.hosts == [f"{public_name}:{port}"]  # the redirect target was never contacted


def test_redirects_are_capped(server, caplog):
    srv, port = server
    with pytest.raises(IngestError, match=FETCH_FAILED):
        fetch_url(f"http://127.0.0.1:{port}/loop", allow_private=True)
    assert len(srv.hosts) == fetch.MAX_REDIRECTS + 1 and "redirects" in caplog.text


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_a_dripping_server_is_cut_off_at_the_deadline(server, path):
    srv, port = server
    started = time.monotonic()
    with pytest.raises(IngestError, match=FETCH_FAILED):
        fetch_url(f"http://127.0.0.1:{port}{path}", allow_private=True, timeout=0.8)
    assert time.monotonic() - started < 2.0  # the server would take 200 s


@pytest.mark.parametrize("path", ["/page", "/bomb"])  # the bomb is 2 KB on the wire, 2 MB inflated
def test_size_cap(server, path):
    srv, port = server
    with pytest.raises(IngestError, match=FETCH_FAILED):
        fetch_url(f"http://127.0.0.1:{port}{path}", allow_private=True, max_bytes=100_000 if path == "/bomb" else 100)


def test_gzip_body_is_inflated(server):
    srv, port = server
    assert fetch_url(f"http://127.0.0.1:{port}/gzip", allow_private=True) == PAGE


def test_deadline_constants_are_ordered():
    assert fetch.CONNECT_TIMEOUT_S <= fetch.READ_TIMEOUT_S <= fetch.DEADLINE_S


@pytest.fixture
def tls_server(tmp_path, monkeypatch):
    """An HTTPS server on 127.0.0.1 with a self-signed certificate for news.test, which the client trusts."""
    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=news.test",
                    "-addext", "subjectAltName=DNS:news.test"], check=True, capture_output=True)
    routes = {"/page": (200, {}, PAGE)}
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), type("H", (_Handler,), {"routes": routes}))
    srv.daemon_threads, srv.hosts, srv.paths = True, [], []
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    srv.socket = server_context.wrap_socket(srv.socket, server_side=True)
    monkeypatch.setattr(fetch, "_tls_context", lambda: ssl.create_default_context(cafile=str(cert)))
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield srv, srv.server_address[1]
    srv.shutdown()
    srv.server_close()


def test_https_connects_to_the_checked_address_and_verifies_the_name(tls_server, public_name):
    srv, port = tls_server
    assert fetch_url(f"https://news.test:{port}/page") == PAGE
    with pytest.raises(IngestError, match=FETCH_FAILED):  # same address, but the certificate is not for this name
        fetch_url(f"https://other.test:{port}/page")
    assert srv.hosts == [f"news.test:{port}"]


def test_a_slow_resolver_counts_against_the_deadline(monkeypatch):
    def slow_resolver(host, port):
        time.sleep(5)
        return [ipaddress.ip_address("93.184.216.34")]

    monkeypatch.setattr(fetch, "resolve_host", slow_resolver)
    started = time.monotonic()
    with pytest.raises(IngestError, match=FETCH_FAILED):
        fetch_url("http://slow-dns.test/", timeout=0.5)
    assert time.monotonic() - started < 1.5


def test_unicode_host_and_path_are_sent_encoded(server, public_name):
    srv, port = server
    with pytest.raises(IngestError, match=FETCH_FAILED):  # the local server has no such page: 404
        fetch_url(f"http://bücher.test:{port}/straße?q=ä b")
    assert srv.hosts == [f"xn--bcher-kva.test:{port}"] and srv.paths == ["/stra%C3%9Fe?q=%C3%A4%20b"]
