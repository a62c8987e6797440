"""Councils: the commissioners. Each sets its own age range."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.types import JsonB
from sqlalchemy import Boolean, CheckConstraint, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.database import Base


class Council(Base):
    __tablename__ = "council"
    __table_args__ = (
        CheckConstraint("min_age <= max_age AND max_age <= extended_max_age", name="ages_ordered"),
    )

    code: Mapped[str] = mapped_column(String(9), primary_key=True)  # ONS code, e.g. E06000044
    name: Mapped[str] = mapped_column(String(120))
    short_name: Mapped[str] = mapped_column(String(60))
    min_age: Mapped[int] = mapped_column(SmallInteger)
    max_age: Mapped[int] = mapped_column(SmallInteger)
    extended_max_age: Mapped[int] = mapped_column(SmallInteger)
    crisis_lines: Mapped[list[dict[str, Any]]] = mapped_column(JsonB, default=list)
    # Added or edited by an admin in the console: loading content/ leaves its name and ages alone.
    managed_in_app: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
