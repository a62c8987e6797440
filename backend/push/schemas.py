"""Notifications: what goes out."""

from __future__ import annotations

from backend.schema_rules import Out


class ExportedSubscription(Out):
    """In the person's own export (GET /api/v1/me/export, "push_subscriptions")."""

    endpoint: str
    created_at: str
