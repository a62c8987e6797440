from __future__ import annotations

from litestar import Controller, Request, get

from backend.councils.schemas import CouncilOut
from backend.councils.services import list_councils


class CouncilController(Controller):
    path = "/api/v1/councils"
    tags = ["councils"]

    @get("", summary="The councils Waymark serves, with their age ranges", cache=False)
    async def councils(self, request: Request) -> list[CouncilOut]:
        return await list_councils(request.app.state.sessionmaker)
