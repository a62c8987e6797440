"""Commissioning figures for a council: anonymous, counts under 5 suppressed."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, Request, Response, get
from litestar.params import Dependency, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from backend.clock import london_today
from backend.councils.models import Council
from backend.errors import NotFound
from backend.reports.schemas import UsageFigures
from backend.reports.services import figures_as_csv, report_period, usage_figures
from backend.schema_rules import typed
from backend.security import refuse_other_council, requires_role

CSV_FORM = "the same figures as a CSV download: a header row (council_code, from, to, metric, value), then one row per figure."

DB = Annotated[AsyncSession, Dependency(skip_validation=True)]


async def council_for_officer(db: AsyncSession, request: Request, code: str) -> Council:
    """The council, if the signed-in officer may see it (their own; an admin any)."""
    refuse_other_council(request.scope["user"], code, "You can only see your own council.")
    council = await db.get(Council, code)
    if council is None:
        raise NotFound("There is no such council.")
    return council


class ReportController(Controller):
    path = "/api/v1/councils/{code:str}/reports"
    tags = ["commissioning"]
    guards = [requires_role("council_admin", "admin")]

    @get(
        "/usage",
        summary="Anonymous usage figures (counts under 5 shown as \"<5\")",
        description=f"JSON by default; with `format=csv`, {CSV_FORM}",
        response_description="The figures as JSON, or as CSV with `format=csv`",
        opt={"also_answers": {"text/csv": {"type": "string", "description": f"With format=csv: {CSV_FORM}"}}},
    )
    async def usage(
        self, request: Request, db_session: DB, code: str,
        from_: Annotated[dt.date | None, Parameter(query="from")] = None,
        to: dt.date | None = None,
        format: Annotated[str, Parameter(pattern="^(json|csv)$")] = "json",  # noqa: A002 - the contract's name
    ) -> Response[UsageFigures]:  # or Response[str] as CSV (documented by also_answers)
        await council_for_officer(db_session, request, code)
        start, end = report_period(from_, to, today=london_today())
        figures = await usage_figures(db_session, code, start, end)
        if format == "csv":
            return Response(figures_as_csv(figures), media_type="text/csv",
                            headers={"Content-Disposition": f'attachment; filename="waymark-{code}-{start}-{end}.csv"'})
        return Response(typed(UsageFigures, figures))
