"""Every model, imported in one place so metadata and Alembic see them all."""

from backend.accounts.models import LoginThrottle, User, WebSession
from backend.councils.models import Council
from backend.database import Base
from backend.reports.models import UsageEvent

metadata = Base.metadata

__all__ = ["Base", "Council", "LoginThrottle", "UsageEvent", "User", "WebSession", "metadata"]
