"""What travels to a phone is compressed: static files and JSON answers over 1 KB."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("path", ["/js/app.js", "/css/app.css", "/index.html", "/", "/sw.js",
                                  "/v/{version}/js/app.js", "/v/{version}/css/app.css"])
def test_static_files_travel_compressed(client, path) -> None:
    path = path.format(version=re.search(r'"/v/([0-9a-f]+)/', client.get("/").text).group(1))
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    for encoding in ("br", "gzip"):
        r = client.get(path, headers={"Accept-Encoding": encoding})
        assert r.status_code == 200
        assert r.headers["content-encoding"] == encoding
        assert r.content == plain.content  # httpx decodes: the same file arrives
        assert int(r.headers.get("content-length", len(r.content))) < len(plain.content)
        assert "accept-encoding" in r.headers["vary"].lower()


def test_large_json_is_compressed_and_small_json_is_not(client) -> None:
    big = client.get("/api/v1/articles", headers={"Accept-Encoding": "br"})
    assert big.status_code == 200 and len(big.content) > 1024
    assert big.headers["content-encoding"] == "br"
    small = client.get("/health/live", headers={"Accept-Encoding": "br"})
    assert small.status_code == 200 and len(small.content) < 1024
    assert "content-encoding" not in small.headers  # not worth it under 1 KB


def test_a_young_persons_services_travel_compressed_once_and_arrive_the_same(young_person) -> None:
    """The services list (about 5 KB) is compressed once per cached answer, not by the
    app's compression on every request: the same bytes arrive, brotli or gzip, and an
    identity reader gets them as they are."""
    yp = young_person(council_code="E06000044")  # Portsmouth
    plain = yp.get("/api/v1/services", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and len(plain.content) > 1024
    assert "content-encoding" not in plain.headers
    assert "accept-encoding" in plain.headers["vary"].lower()
    for encoding in ("br", "gzip", "gzip, deflate, br"):
        for _ in range(2):  # the second from the cache of compressed answers
            r = yp.get("/api/v1/services", headers={"Accept-Encoding": encoding})
            assert r.status_code == 200
            assert r.headers["content-encoding"] == ("br" if "br" in encoding else "gzip")
            assert r.json() == plain.json()  # httpx decodes: the same answer arrives
            assert int(r.headers["content-length"]) < len(plain.content) / 2
            assert "accept-encoding" in r.headers["vary"].lower()
            assert r.headers["cache-control"] == plain.headers["cache-control"]
            assert r.headers["content-security-policy"]
    assert yp.get("/api/v1/services", headers={"Accept-Encoding": "br"}).headers["cache-control"]
