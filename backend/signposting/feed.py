"""Each council's directory as an Open Referral UK 3.0 (HSDS 3.0) API, open to anyone:
``/oruk/{council_code}/`` and its ``services``, ``taxonomies`` and ``taxonomy_terms``.

Only the council's active services are published (national ones are not the council's).
Every answer is encoded once and kept in the per-worker cache until the directory changes
(the cache is forgotten after each commit that changes it), so a crawler's page costs a
dictionary look-up. Errors carry ``Access-Control-Allow-Origin: *`` like the answers.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import msgspec

from backend.errors import Invalid, NotFound
from backend.signposting.cache import active_rows, cached_answer, known_council
from backend.signposting.models import DirectoryService
from backend.signposting.oruk import attribute_codes, published_id, service_record
from backend.signposting.oruk_schemas import HSDS_VERSION, ApiInfo, Page
from backend.signposting.taxonomy import all_taxonomies, all_terms, term_id

PER_PAGE, MAX_PER_PAGE, MAX_PAGE = 50, 200, 100_000
T = TypeVar("T")


def whole(name: str, value: str | None, low: int, high: int) -> int | None:
    """A whole-number query parameter, or a 400 in words."""
    if value is None or value.strip() == "":
        return None
    text = value.strip()
    # ASCII digits only: str.isdigit() also accepts "²" or "٣", which int() then refuses.
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise Invalid(f"{name} must be a whole number from {low} to {high}.", code="bad_parameter")
    return int(text)


def an_id(name: str, value: str | None) -> str | None:
    if value is None or value.strip() == "":
        return None
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError as exc:
        raise Invalid(f"{name} must be a UUID.", code="bad_parameter") from exc


def page_of(items: Sequence[T], page: int | None, per_page: int | None) -> Page[T]:
    """One page (counting from 1) of ``items``, shaped as HSDS 3.0 pages are."""
    page = page or 1
    per_page = per_page or PER_PAGE
    total = len(items)
    pages = math.ceil(total / per_page)
    contents = list(items[(page - 1) * per_page : page * per_page])
    return Page(
        total_items=total,
        total_pages=pages,
        page_number=page,
        size=len(contents),
        first_page=page == 1,
        last_page=page >= pages,
        empty=not contents,
        contents=contents,
    )


def matches(
    row: DirectoryService, words: list[str], term: str | None, minimum_age: int | None, maximum_age: int | None
) -> bool:
    """``search`` (every word, in the name, description, organisation or eligibility), a
    taxonomy term, and an age range that overlaps the service's."""
    if words:
        text = " ".join(filter(None, (row.name, row.description, row.organisation, row.eligibility))).casefold()
        if not all(word in text for word in words):
            return False
    if term is not None and term not in {term_id(v, c) for v, c in attribute_codes(row)}:
        return False
    if minimum_age is not None and row.max_age < minimum_age:
        return False
    return maximum_age is None or row.min_age <= maximum_age


async def _council_rows(sessionmaker: Any, council_code: str) -> list[DirectoryService]:
    if not await known_council(sessionmaker, council_code):
        raise NotFound("We don't know that council.", code="unknown_council")
    rows = await active_rows(sessionmaker, council_code)
    return sorted((r for r in rows if r.council_code == council_code), key=lambda r: (r.name.casefold(), r.id))


def _encode(value: Any) -> bytes:
    return msgspec.json.encode(value)


async def _answer(key: tuple[Any, ...], make: Callable[[], Any]) -> bytes:
    async def encoded() -> bytes:
        return _encode(await make())

    return await cached_answer(("oruk", *key), encoded)


async def api_info(sessionmaker: Any, council_code: str, base_url: str) -> bytes:
    if not await known_council(sessionmaker, council_code):
        raise NotFound("We don't know that council.", code="unknown_council")
    return _encode(ApiInfo(version=HSDS_VERSION, openapi_url=f"{base_url.rstrip('/')}/schema/openapi.json"))


async def services_page(sessionmaker: Any, council_code: str, params: dict[str, str | None]) -> bytes:
    page = whole("page", params.get("page"), 1, MAX_PAGE)
    per_page = whole("per_page", params.get("per_page"), 1, MAX_PER_PAGE)
    minimum_age = whole("minimum_age", params.get("minimum_age"), 0, 150)
    maximum_age = whole("maximum_age", params.get("maximum_age"), 0, 150)
    term = an_id("taxonomy_term_id", params.get("taxonomy_term_id"))
    search = (params.get("search") or "").strip()[:200]
    words = search.casefold().split()

    async def make() -> Page[Any]:
        rows = await _council_rows(sessionmaker, council_code)
        found = [r for r in rows if matches(r, words, term, minimum_age, maximum_age)]
        return page_of([service_record(r, extensions=False) for r in found], page, per_page)

    return await _answer(("services", council_code, page, per_page, minimum_age, maximum_age, term, tuple(words)), make)


async def one_service(sessionmaker: Any, council_code: str, service_id: str) -> bytes:
    """A service of this council's feed, by its published UUID (or its directory id)."""
    if len(service_id) > 100:
        raise NotFound("This council's feed has no such service.", code="unknown_service")

    async def make() -> Any:
        for row in await _council_rows(sessionmaker, council_code):
            if service_id == row.id or service_id.lower() == published_id(row.id):
                return service_record(row, extensions=False)
        raise NotFound("This council's feed has no such service.", code="unknown_service")

    return await _answer(("service", council_code, service_id), make)


async def taxonomies_page(sessionmaker: Any, council_code: str, params: dict[str, str | None]) -> bytes:
    page = whole("page", params.get("page"), 1, MAX_PAGE)
    per_page = whole("per_page", params.get("per_page"), 1, MAX_PER_PAGE)
    await _council_rows(sessionmaker, council_code)
    return _encode(page_of(all_taxonomies(), page, per_page))


async def one_taxonomy(sessionmaker: Any, council_code: str, wanted: str) -> bytes:
    await _council_rows(sessionmaker, council_code)
    for item in all_taxonomies():
        if item.id == wanted.lower():
            return _encode(item)
    raise NotFound("There is no such taxonomy.", code="unknown_taxonomy")


async def terms_page(sessionmaker: Any, council_code: str, params: dict[str, str | None]) -> bytes:
    page = whole("page", params.get("page"), 1, MAX_PAGE)
    per_page = whole("per_page", params.get("per_page"), 1, MAX_PER_PAGE)
    of_taxonomy = an_id("taxonomy_id", params.get("taxonomy_id"))
    words = (params.get("search") or "").strip()[:200].casefold().split()
    await _council_rows(sessionmaker, council_code)
    terms = [
        t
        for t in all_terms()
        if (of_taxonomy is None or t.taxonomy_id == of_taxonomy)
        and all(w in f"{t.name} {t.code}".casefold() for w in words)
    ]
    return _encode(page_of(terms, page, per_page))


async def one_term(sessionmaker: Any, council_code: str, wanted: str) -> bytes:
    await _council_rows(sessionmaker, council_code)
    for item in all_terms():
        if item.id == wanted.lower():
            return _encode(item)
    raise NotFound("There is no such taxonomy term.", code="unknown_taxonomy_term")

