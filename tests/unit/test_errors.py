"""The one table from domain errors to what a client is told (HTTP problem details and the
chat socket's error frames), and work that waits for a commit."""

from __future__ import annotations

import ast
import asyncio
import json
from pathlib import Path

import pytest
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from sqlalchemy.orm import Session

from backend import errors
from backend.after_commit import on_commit, pending
from backend.errors import (
    CODE_OF_STATUS,
    PROBLEMS,
    Conflict,
    DomainError,
    Failed,
    Forbidden,
    Invalid,
    NotFound,
    NotLoggedIn,
    Throttled,
    TooLarge,
    Unavailable,
    error_frame,
    problem_of,
    status_of,
)
from tests.harness import ROOT, run_async

EXPECTED = [(Invalid, 400, "invalid"), (NotLoggedIn, 401, "not_logged_in"), (Forbidden, 403, "forbidden"),
            (NotFound, 404, "not_found"), (Conflict, 409, "conflict"), (TooLarge, 413, "too_large"),
            (Failed, 500, "server_error")]


@pytest.mark.parametrize(("kind", "status", "code"), EXPECTED)
def test_each_kind_has_one_status_and_a_code_of_its_own(kind: type[DomainError], status: int, code: str) -> None:
    error = kind("A kind sentence.")
    assert status_of(error) == status and error.code == code
    problem = problem_of(error)
    assert problem.status_code == status and problem.headers is None  # no Retry-After without a wait
    assert problem.detail == "A kind sentence." and problem.extra == {"code": code}


def test_every_domain_error_is_in_the_table() -> None:
    kinds = {v for v in vars(errors).values() if isinstance(v, type) and issubclass(v, DomainError) and v is not DomainError}
    assert kinds == set(PROBLEMS)
    assert len({k.code for k in kinds}) == len(kinds)  # no two kinds share a default code


def test_a_given_code_and_extra_fields_are_kept() -> None:
    problem = problem_of(Conflict("Already decided.", code="decided", status="published"))
    assert problem.status_code == 409
    assert problem.extra == {"code": "decided", "status": "published"}  # the post's status, as before


def test_a_subclass_is_told_as_its_nearest_kind() -> None:
    class Closed(Conflict):
        code = "closed"

    assert status_of(Closed("This chat has ended.")) == 409 and Closed("x").code == "closed"


@pytest.mark.parametrize(("kind", "status", "code"), [(Throttled, 429, "rate_limited"), (Unavailable, 503, "try_again_later")])
def test_a_wait_becomes_retry_after_in_one_place(kind: type[DomainError], status: int, code: str) -> None:
    error = kind("Please wait a minute.", retry_after=61)
    problem = problem_of(error)
    assert problem.status_code == status
    assert problem.headers == {"Retry-After": "61"}
    assert problem.extra == {"code": code, "retry_after": 61}


def test_route_headers_go_on_the_problem_and_the_wait_wins() -> None:
    problem = problem_of(Throttled("Wait.", code="too_many_tries", retry_after=5), {"Access-Control-Allow-Origin": "*"})
    assert problem.headers == {"Access-Control-Allow-Origin": "*", "Retry-After": "5"}


def test_a_socket_frame_comes_from_the_same_fields_without_http() -> None:
    frame = error_frame(Conflict("This chat has ended.", code="ended"), session_id="s1", client_id="c1")
    assert frame == {"type": "error", "detail": "This chat has ended.", "code": "ended", "session_id": "s1",
                     "client_id": "c1"}
    throttled = error_frame(Throttled("Slow down.", retry_after=3))
    assert throttled["code"] == "rate_limited" and throttled["retry_after"] == 3 and "status" not in throttled
    json.dumps(throttled)  # a frame is plain JSON


def test_a_socket_frame_never_lacks_a_code() -> None:
    assert error_frame(NotFound("There is no such chat."))["code"] == "not_found"


@pytest.mark.parametrize(("exc", "code"), [(NotAuthorizedException("Please log in first."), "not_logged_in"),
                                           (PermissionDeniedException("Not for you."), "forbidden"),
                                           (NotFoundException("No route."), "not_found")])
def test_litestars_own_errors_get_the_code_of_their_status(exc: Exception, code: str) -> None:
    problem = errors._from_http_exception(exc)  # noqa: SLF001 - the plugin's mapping
    assert problem.extra["code"] == code and CODE_OF_STATUS[problem.status_code] == code


def test_services_never_choose_an_http_status_or_header() -> None:
    """Rules raise domain errors: no module but controllers and the HTTP layer imports Litestar's
    exceptions or writes Retry-After."""
    http_layer = {"errors.py", "app.py", "security.py", "http_safety.py", "openapi.py", "pwa_files.py"}
    for path in sorted((ROOT / "backend").rglob("*.py")):
        if "migrations" in path.parts or "controllers" in path.name or path.name in http_layer:
            continue
        text = path.read_text(encoding="utf-8")
        assert "Retry-After" not in text, path
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("litestar"):
                names = {a.name for a in node.names}
                assert not names & {"HTTPException", "ProblemDetailsException", "NotAuthorizedException",
                                    "PermissionDeniedException", "NotFoundException"}, f"{Path(path).name}: {names}"


# --- work after a commit ---------------------------------------------------------------------


def test_work_runs_after_the_commit_and_not_before() -> None:
    session, seen = Session(), []
    session.begin()
    on_commit(session, lambda: seen.append("forget"))
    assert seen == [] and pending(session) == 1
    session.commit()
    assert seen == ["forget"] and pending(session) == 0


def test_work_is_dropped_when_the_transaction_rolls_back() -> None:
    session, seen = Session(), []
    session.begin()
    on_commit(session, lambda: seen.append("push"))
    session.rollback()
    session.begin()
    session.commit()
    assert seen == [] and pending(session) == 0


def test_a_failing_piece_does_not_stop_the_rest() -> None:
    session, seen = Session(), []
    session.begin()
    on_commit(session, lambda: 1 / 0)
    on_commit(session, lambda: seen.append("still"))
    session.commit()
    assert seen == ["still"]


def test_awaitable_work_runs_as_its_own_task_after_the_commit() -> None:
    async def scenario() -> list[str]:
        session, seen = Session(), []

        async def push() -> None:
            seen.append("pushed")

        session.begin()
        on_commit(session, push)
        session.commit()
        assert seen == []  # started, not awaited by the committer
        await asyncio.sleep(0)
        return seen

    assert run_async(scenario()) == ["pushed"]
