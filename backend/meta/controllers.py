from __future__ import annotations

from litestar import Controller, get

from backend.meta.schemas import MetaOut
from backend.meta.services import meta_document


class MetaController(Controller):
    path = "/api/v1/meta"
    tags = ["meta"]

    # Public and the same for everyone: no session is loaded for it.
    @get("", summary="Risk-level labels and the length limits of what people write", cache=False,
         opt={"skip_session": True},
         response_description="{risk_levels: [{level, label}], limits: {mood_note, journal_entry, post_body, …}}")
    async def meta(self) -> MetaOut:
        return meta_document()
