"""/schema: the OpenAPI viewer works under the Content-Security-Policy every answer carries.

Litestar's own viewers load scripts and styles from a CDN and run inline scripts, which the
policy (script-src 'self') blocks: they are not served. /schema is a plain page of
operations with no script at all, and the document itself is served as JSON and YAML."""

from __future__ import annotations

import re

import pytest

from tests.harness import Client


def test_the_schema_page_lists_the_operations_under_the_strict_policy(client: Client) -> None:
    r = client.get("/schema")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    page = r.text
    assert "<script" not in page.lower() and "style=" not in page.lower() and "<link" not in page.lower()
    assert not re.search(r"(src|href)=\"(https?:)?//", page), "nothing may come from another origin"
    assert "/api/v1/me/export" in page and "GET" in page
    assert 'href="openapi.json"' in page


def test_the_document_is_served_as_json_and_yaml_with_the_headers(client: Client) -> None:
    doc = client.get("/schema/openapi.json")
    assert doc.status_code == 200 and doc.json()["openapi"].startswith("3.")
    assert "default-src 'self'" in doc.headers["content-security-policy"]
    yaml_doc = client.get("/schema/openapi.yaml")
    assert yaml_doc.status_code == 200 and "openapi:" in yaml_doc.text
    assert yaml_doc.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("viewer", ["redoc", "swagger", "elements", "rapidoc", "scalar"])
def test_the_cdn_viewers_the_policy_would_break_are_not_served(client: Client, viewer: str) -> None:
    r = client.get(f"/schema/{viewer}")
    assert r.status_code == 404, (viewer, r.status_code)
    assert "cdn" not in r.text.lower()
