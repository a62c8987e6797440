from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.params import Dependency
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT
from sqlalchemy.ext.asyncio import AsyncSession

from backend.push import services
from backend.security import requires_login

DB = Annotated[AsyncSession, Dependency(skip_validation=True)]


class PushKeys(msgspec.Struct):
    p256dh: Annotated[str, msgspec.Meta(max_length=200)]
    auth: Annotated[str, msgspec.Meta(max_length=100)]


class SubscriptionIn(msgspec.Struct):
    endpoint: Annotated[str, msgspec.Meta(min_length=8, max_length=1000)]
    keys: PushKeys


class EndpointIn(msgspec.Struct):
    endpoint: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class KeyOut(msgspec.Struct):
    public_key: str


class SubscriptionOut(msgspec.Struct):
    endpoint: str


class PushController(Controller):
    path = "/api/v1/push"
    tags = ["notifications"]

    @get("/key", summary="The VAPID application server key")
    async def key(self) -> KeyOut:
        return KeyOut(public_key=services.public_key())

    @post("/subscriptions", guards=[requires_login], status_code=HTTP_201_CREATED, summary="Opt in to notifications")
    async def subscribe(self, request: Request, db_session: DB, data: SubscriptionIn) -> SubscriptionOut:
        await services.subscribe(db_session, request.scope["user"].id, data.endpoint, data.keys.p256dh, data.keys.auth)
        return SubscriptionOut(endpoint=data.endpoint)

    @delete("/subscriptions", guards=[requires_login], status_code=HTTP_204_NO_CONTENT, summary="Opt out")
    async def unsubscribe(self, request: Request, db_session: DB, data: EndpointIn) -> None:
        await services.unsubscribe(db_session, request.scope["user"].id, data.endpoint)
