from __future__ import annotations

from litestar import Controller, Request, Response, get

from backend.councils.schemas import CouncilOut
from backend.councils.services import councils_json
from backend.encoded_json import EncodedJSON


class CouncilController(Controller):
    path = "/api/v1/councils"
    tags = ["councils"]

    # Public, rarely-changing data: no session is loaded for it (the hottest anonymous request).
    @get("", summary="The councils Waymark serves, with their age ranges", cache=False,
         opt={"skip_session": True}, response_description="[{code, name, min_age, max_age, extended_max_age}]")
    async def councils(self, request: Request) -> Response[list[CouncilOut]]:
        return EncodedJSON(await councils_json(request.app.state.sessionmaker))
