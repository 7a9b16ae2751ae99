"""A small HTTP client for tests and benchmarks against a real server: cookies, CSRF tokens, no redirects."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html import unescape

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@dataclass
class Reply:
    status: int
    headers: dict
    text: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    def __init__(self, base_url: str, timeout: float = 30):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def _open(self, request: urllib.request.Request) -> Reply:
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Reply(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            return Reply(error.code, dict(error.headers), error.read().decode())

    def get(self, path: str) -> Reply:
        return self._open(urllib.request.Request(self.base_url + path))  # noqa: S310 - our own http:// server

    def post(self, path: str, data: dict) -> Reply:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(self.base_url + path, data=body, method="POST")  # noqa: S310 - as above
        return self._open(request)

    @staticmethod
    def hidden(html: str, name: str) -> str:
        if name == "csrf_token":
            match = TOKEN.search(html)
            return unescape(match.group(1) or match.group(2))
        match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
        return unescape(match.group(1))

    def form(self, path: str, data: dict, page: str | None = None) -> Reply:
        """GET the page (or `page`), take its CSRF token, POST the form to `path`."""
        html = self.get(page or path).text
        return self.post(path, {**data, "csrf_token": self.hidden(html, "csrf_token")})

    def accept(self, kind: str) -> Reply:
        path = f"/join/documents/{kind}"
        html = self.get(path).text
        return self.post(path, {"csrf_token": self.hidden(html, "csrf_token"), "accept": "y",
                                "document_version_id": self.hidden(html, "document_version_id"),
                                "sha256": self.hidden(html, "sha256"), "language": self.hidden(html, "language")})
