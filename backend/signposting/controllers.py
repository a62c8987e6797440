"""Local signposting over HTTP: thin handlers around backend.signposting.services."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import Dependency, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT
from sqlalchemy.ext.asyncio import AsyncSession

from backend.clock import london_now
from backend.encoded_json import EncodedJSON
from backend.errors import Invalid
from backend.security import refuse_other_council, requires_role, requires_young_person
from backend.signposting import directory, services
from backend.signposting.cache import precompressed_json
from backend.signposting.crisis import crisis_lines_for
from backend.signposting.oruk_schemas import Export
from backend.signposting.schemas import (
    AdminService,
    AdminServiceList,
    ClickIn,
    CrisisLine,
    ImportReport,
    ServiceIn,
    ServiceItem,
    ServiceList,
)
from backend.signposting.visibility import audience_of_young_person, service_item

DB = Annotated[AsyncSession, Dependency(skip_validation=True)]
IMPORT_MAX_BYTES = 4 * 1024 * 1024

requires_reader = requires_role("young_person", "counsellor")
requires_council_staff = requires_role("council_admin", "admin")


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


class CrisisLineController(Controller):
    path = "/api/v1/crisis-lines"
    tags = ["signposting"]

    @get("", summary="Crisis lines: with a session, the council's own first; then national ones", cache=False)
    async def crisis_lines(self, request: Request, db_session: DB) -> list[CrisisLine]:
        user = request.scope.get("user")
        return await crisis_lines_for(db_session, user.council_code if user else None)


async def young_persons_unfiltered_list(request: Request) -> EncodedJSON | None:
    """GET /services with no query (what a young person's screen asks for): answered from the
    cache before Litestar turns the six optional query parameters into arguments (there are
    none to read or check). Anything else (None) goes on to ``list_services``. Runs after the
    guards, as ``before_request`` does."""
    user = request.scope["user"]
    if request.scope["query_string"] or user.role != "young_person":
        return None
    encoded = await services.services_answer_json(
        request.app.state.sessionmaker, audience_of_young_person(user), topic=None, thrive=None, open_now=False
    )
    return precompressed_json(request, encoded)


class ServiceController(Controller):
    path = "/api/v1/services"
    tags = ["signposting"]

    @get(
        "",
        guards=[requires_reader],
        summary="Services that fit: the council's first, then national; open now first",
        opt={"precompressed": True},  # 5 KB: compressed once per cached answer (precompressed_json)
        before_request=young_persons_unfiltered_list,
    )
    async def list_services(
        self,
        request: Request,
        topic: Annotated[str | None, Parameter(max_length=40)] = None,
        thrive: Annotated[str | None, Parameter(max_length=30)] = None,
        open_now: Annotated[
            str | None, Parameter(max_length=5, description="true: only services open now")
        ] = None,
        council: Annotated[
            str | None, Parameter(max_length=9, description="counsellors: a council's services")
        ] = None,
        age: Annotated[
            int | None, Parameter(ge=0, le=30, description="counsellors: the young person's age")
        ] = None,
        extended: Annotated[bool, Parameter(description="counsellors: a care leaver or EHCP")] = False,
    ) -> Response[ServiceList]:
        user = request.scope["user"]
        sessionmaker = request.app.state.sessionmaker
        if user.role == "young_person":
            audience = audience_of_young_person(user)
        else:
            async with sessionmaker() as db:
                audience = await services.audience_for_counsellor(db, council or None, age, extended)
        encoded = await services.services_answer_json(
            sessionmaker, audience, topic=topic, thrive=thrive, open_now=_truthy(open_now)
        )
        return precompressed_json(request, encoded)

    @get("/{service_id:str}", guards=[requires_reader], summary="One service (for sharing it in a chat)")
    async def one_service(self, request: Request, db_session: DB, service_id: str) -> ServiceItem:
        user = request.scope["user"]
        if user.role == "young_person":
            row = await services.visible_service(db_session, service_id, user.council_code)
        else:
            row = await services.any_active_service(db_session, service_id)
        return service_item(row, london_now())

    @post(
        "/{service_id:str}/clicks",
        guards=[requires_young_person],
        status_code=HTTP_204_NO_CONTENT,
        summary="Count a tap on a service's contact (anonymous: no user, no service kept)",
    )
    async def click(self, request: Request, db_session: DB, service_id: str, data: ClickIn) -> None:
        await services.record_signpost_click(
            db_session, service_id=service_id, council_code=request.scope["user"].council_code
        )


class CouncilServiceController(Controller):
    """A council's own directory. A council_admin works only on their own council."""

    path = "/api/v1/councils/{council_code:str}/services"
    tags = ["signposting"]
    guards = [requires_council_staff]

    @staticmethod
    async def _council(request: Request, db: AsyncSession, council_code: str) -> str:
        refuse_other_council(request.scope["user"], council_code, "You can only manage your own council's services.")
        await directory.council_or_404(db, council_code)
        return council_code

    @get("", summary="Every service of the council's directory, retired ones included")
    async def list_services(self, request: Request, db_session: DB, council_code: str) -> AdminServiceList:
        await self._council(request, db_session, council_code)
        return directory.admin_list(await directory.council_services(db_session, council_code))

    @post("", status_code=HTTP_201_CREATED, summary="Add a service (an id is made when none is given)")
    async def create(
        self, request: Request, db_session: DB, council_code: str, data: ServiceIn
    ) -> AdminService:
        await self._council(request, db_session, council_code)
        return directory.admin_service(await directory.create_service(db_session, council_code, data))

    @get("/export", summary="The directory as Open Referral UK (HSDS 3.0) JSON")
    async def export(self, request: Request, db_session: DB, council_code: str) -> Export:
        await self._council(request, db_session, council_code)
        return await directory.export_oruk(db_session, council_code)

    @post(
        "/import",
        status_code=HTTP_200_OK,
        request_max_body_size=IMPORT_MAX_BYTES,
        summary="Import Open Referral UK (HSDS 3.0) JSON",
        description="Each valid service is applied on its own; each invalid one is reported and not applied.",
    )
    async def import_(self, request: Request, db_session: DB, council_code: str) -> ImportReport:
        await self._council(request, db_session, council_code)
        body = await request.body()
        try:
            document = msgspec.json.decode(body)
        except msgspec.DecodeError as exc:
            raise Invalid("That file is not valid JSON.", code="not_json") from exc
        return await directory.import_oruk(db_session, council_code, document)

    @get("/{service_id:str}", summary="One service of the directory")
    async def one(self, request: Request, db_session: DB, council_code: str, service_id: str) -> AdminService:
        await self._council(request, db_session, council_code)
        return directory.admin_service(await directory.council_service(db_session, council_code, service_id))

    @put(
        "/{service_id:str}",
        summary="Replace a service's editable fields (the council manages it from then on)",
    )
    async def replace(
        self, request: Request, db_session: DB, council_code: str, service_id: str, data: ServiceIn
    ) -> AdminService:
        await self._council(request, db_session, council_code)
        return directory.admin_service(
            await directory.replace_service(db_session, council_code, service_id, data)
        )

    @delete(
        "/{service_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Retire a service: it is hidden (status inactive) but its record is kept",
    )
    async def retire(self, request: Request, db_session: DB, council_code: str, service_id: str) -> None:
        await self._council(request, db_session, council_code)
        await directory.retire_service(db_session, council_code, service_id)
