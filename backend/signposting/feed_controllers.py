"""The Open Referral UK feed over HTTP: open to anyone (no session, no CSRF: read-only
GETs), ``Access-Control-Allow-Origin: *`` on every answer. Thin handlers around
``backend.signposting.feed``; query parameters are read as text and checked there, so a
bad one is a problem with the CORS header too."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.datastructures import CacheControlHeader, ResponseHeader
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType
from litestar.params import Parameter

from backend.signposting import feed
from backend.signposting.cache import precompressed_json as _json
from backend.signposting.oruk_schemas import (
    ApiInfo,
    Service,
    ServicePage,
    Taxonomy,
    TaxonomyPage,
    TaxonomyTerm,
    TaxonomyTermPage,
)

Text = Annotated[str | None, Parameter(required=False)]


def _stated(**rules: Any) -> Any:
    """Read as text (and checked in ``feed``, with the CORS header on a 400), but stated in
    the schema as what it must be."""
    return Annotated[str | None, Parameter(required=False, schema_extra={"one_of": None, **rules})]


PageNumber = _stated(type=OpenAPIType.INTEGER, minimum=1, maximum=feed.MAX_PAGE, description="from 1")
PerPage = _stated(type=OpenAPIType.INTEGER, minimum=1, maximum=feed.MAX_PER_PAGE,
                  description=f"1 to {feed.MAX_PER_PAGE} ({feed.PER_PAGE} when not given)")
Age = _stated(type=OpenAPIType.INTEGER, minimum=0, maximum=150)
AnId = _stated(type=OpenAPIType.STRING, format=OpenAPIFormat.UUID)


class OrukFeedController(Controller):
    path = "/oruk/{council_code:str}"
    tags = ["open referral uk"]
    response_headers = [ResponseHeader(name="Access-Control-Allow-Origin", value="*")]
    cache_control = CacheControlHeader(no_cache=True, public=True)
    opt = {"precompressed": True}  # see precompressed_json

    @get("/", summary="This API: its HSDS version (3.0)")
    async def info(self, request: Request, council_code: str) -> Response[ApiInfo]:
        return _json(request, await feed.api_info(request.app.state.sessionmaker, council_code, str(request.base_url)))

    @get(
        "/services",
        summary="The council's active services, a page at a time",
        description="Filters: search (words), taxonomy_term_id, minimum_age and maximum_age (services "
        "whose age range overlaps), page (from 1) and per_page (up to 200, 50 when not given).",
    )
    async def services(
        self,
        request: Request,
        council_code: str,
        search: Text = None,
        page: PageNumber = None,
        per_page: PerPage = None,
        taxonomy_term_id: AnId = None,
        minimum_age: Age = None,
        maximum_age: Age = None,
    ) -> Response[ServicePage]:
        params = {
            "search": search,
            "page": page,
            "per_page": per_page,
            "taxonomy_term_id": taxonomy_term_id,
            "minimum_age": minimum_age,
            "maximum_age": maximum_age,
        }
        return _json(request, await feed.services_page(request.app.state.sessionmaker, council_code, params))

    @get("/services/{service_id:str}", summary="One active service of the council (its UUID)")
    async def service(self, request: Request, council_code: str, service_id: str) -> Response[Service]:
        return _json(request, await feed.one_service(request.app.state.sessionmaker, council_code, service_id))

    @get("/taxonomies", summary="The taxonomies services are classified by")
    async def taxonomies(
        self, request: Request, council_code: str, page: PageNumber = None, per_page: PerPage = None
    ) -> Response[TaxonomyPage]:
        params = {"page": page, "per_page": per_page}
        return _json(request, await feed.taxonomies_page(request.app.state.sessionmaker, council_code, params))

    @get("/taxonomies/{taxonomy_id:str}", summary="One taxonomy")
    async def taxonomy(self, request: Request, council_code: str, taxonomy_id: str) -> Response[Taxonomy]:
        return _json(request, await feed.one_taxonomy(request.app.state.sessionmaker, council_code, taxonomy_id))

    @get("/taxonomy_terms", summary="The taxonomy terms (filters: taxonomy_id, search)")
    async def taxonomy_terms(
        self,
        request: Request,
        council_code: str,
        page: PageNumber = None,
        per_page: PerPage = None,
        taxonomy_id: AnId = None,
        search: Text = None,
    ) -> Response[TaxonomyTermPage]:
        params = {"page": page, "per_page": per_page, "taxonomy_id": taxonomy_id, "search": search}
        return _json(request, await feed.terms_page(request.app.state.sessionmaker, council_code, params))

    @get("/taxonomy_terms/{term_id:str}", summary="One taxonomy term")
    async def taxonomy_term(self, request: Request, council_code: str, term_id: str) -> Response[TaxonomyTerm]:
        return _json(request, await feed.one_term(request.app.state.sessionmaker, council_code, term_id))
