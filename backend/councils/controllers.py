from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import Dependency
from sqlalchemy.ext.asyncio import AsyncSession

from backend.councils.schemas import CouncilOut
from backend.councils.services import list_councils


class CouncilController(Controller):
    path = "/api/v1/councils"
    tags = ["councils"]

    @get("", summary="The councils Waymark serves, with their age ranges", cache=False)
    async def councils(self, db_session: Annotated[AsyncSession, Dependency(skip_validation=True)]) -> list[CouncilOut]:
        return await list_councils(db_session)
