"""Every model, imported in one place so metadata and Alembic see them all."""

from backend.accounts.models import LoginThrottle, User, WebSession
from backend.content.models import Article, Topic
from backend.councils.models import Council
from backend.database import Base
from backend.reports.models import UsageEvent

metadata = Base.metadata

__all__ = ["Article", "Topic", "Base", "Council", "LoginThrottle", "UsageEvent", "User", "WebSession", "metadata"]
