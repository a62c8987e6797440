"""Notifications: what goes out."""

from __future__ import annotations

import msgspec


class ExportedSubscription(msgspec.Struct):
    """In the person's own export (GET /api/v1/me/export, "push_subscriptions")."""

    endpoint: str
    created_at: str
