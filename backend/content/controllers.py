"""The self-help library over HTTP."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get
from litestar.params import Dependency, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from backend.clock import age_today
from backend.content import services
from backend.content.schemas import ArticleList, ArticleOut, TopicOut
from backend.content.services import Reader
from backend.encoded_json import EncodedJSON
from backend.schema_rules import typed

DB = Annotated[AsyncSession, Dependency(skip_validation=True)]

SEARCH_SUPPORT = {
    "message": ("If you're thinking about hurting yourself or ending your life, you don't have to face it alone. "
                "You can talk to someone right now."),
    "can_talk_to_counsellor": True,
}


def reader_of(request: Request) -> Reader:
    user = request.scope.get("user")
    if user is None or user.role != "young_person" or user.birth_year is None:
        return Reader()
    return Reader(age=age_today(user.birth_year, user.birth_month))


class LibraryController(Controller):
    path = "/api/v1"
    tags = ["self-help"]

    @get("/topics", summary="The topics of the library")
    async def topics(self, db_session: DB) -> list[TopicOut]:
        return [TopicOut(slug=t["slug"], name=t["name"]) for t in await services.list_topics(db_session)]

    @get("/articles", summary="Articles and activities: by topic, or searched")
    async def articles(
        self, request: Request,
        topic: Annotated[str | None, Parameter(max_length=40)] = None,
        q: Annotated[str | None, Parameter(max_length=200)] = None,
        sort: Annotated[str, Parameter(pattern="^(title|popular)$")] = "title",
        limit: Annotated[int | None, Parameter(ge=1, le=100)] = None,
    ) -> Response[ArticleList]:
        encoded = await services.articles_answer_json(
            request.app.state.sessionmaker, reader=reader_of(request), topic=topic, q=q, sort=sort, limit=limit,
            content_dir=request.app.state.settings.content_dir, support=SEARCH_SUPPORT)
        return EncodedJSON(encoded)

    @get("/articles/{slug:str}", summary="One article")
    async def article(self, request: Request, db_session: DB,
                      slug: Annotated[str, Parameter(max_length=80)]) -> ArticleOut:
        # The PWA saving a copy for offline use (X-Waymark-Precache) is not a read.
        counted = request.headers.get("x-waymark-precache") != "1"
        return typed(ArticleOut, await services.read_article_counting_view(db_session, slug, count=counted))
