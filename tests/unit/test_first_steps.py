"""Which calls a temporary password or missing staff MFA blocks (a pure rule)."""

from __future__ import annotations

import uuid

import pytest

from backend.accounts.auth import CurrentUser, first_step_required


def user(role: str = "moderator", *, temporary: bool = False, mfa: bool = False) -> CurrentUser:
    return CurrentUser(id=uuid.uuid4(), username="x", role=role, council_code=None, birth_month=None, birth_year=None,
                       extended_eligibility=None, display_name=None, password_change_required=temporary,
                       mfa_enabled=mfa)


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/moderation/queue", "/api/v1/auth/mfa/setup", "/api/v1/chat/ws"])
def test_a_temporary_password_blocks_every_other_call(path: str) -> None:
    assert first_step_required(user(temporary=True), path, mfa_required=False) == "password_change_required"


@pytest.mark.parametrize("path", ["/api/v1/me/password", "/api/v1/auth/logout", "/api/v1/auth/login"])
def test_changing_it_and_logging_out_stay_open(path: str) -> None:
    assert first_step_required(user(temporary=True), path, mfa_required=True) is None


def test_required_mfa_leaves_only_its_set_up() -> None:
    staff = user()
    assert first_step_required(staff, "/api/v1/moderation/queue", mfa_required=True) == "mfa_setup_required"
    assert first_step_required(staff, "/api/v1/auth/mfa/confirm", mfa_required=True) is None
    assert first_step_required(staff, "/api/v1/moderation/queue", mfa_required=False) is None
    assert first_step_required(user(mfa=True), "/api/v1/moderation/queue", mfa_required=True) is None
    assert first_step_required(user("young_person"), "/api/v1/journal", mfa_required=True) is None


def test_pages_and_anonymous_visitors_are_never_blocked() -> None:
    assert first_step_required(user(temporary=True), "/index.html", mfa_required=True) is None
    assert first_step_required(None, "/api/v1/me", mfa_required=True) is None
