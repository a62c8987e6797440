"""Every model, imported in one place so metadata and Alembic see them all."""

from backend.accounts.models import LoginThrottle, StaffMfa, User, WebSession
from backend.audit import AuditLog
from backend.chat.models import (
    ChatClosure,
    ChatMessage,
    ChatRequest,
    ChatSavedReply,
    ChatSchedule,
    ChatSession,
    ChatTransfer,
    ChatWhisper,
    CounsellorAvailability,
)
from backend.content.models import Article, Topic
from backend.councils.models import Council
from backend.database import Base
from backend.forums.models import Board, ForumSettings, Post, Reaction, Report, Thread, WatchedWordRow
from backend.journal.models import Goal, GoalRating, JournalEntry, MoodCheckin
from backend.messages.models import MessageThread, TeamMessage
from backend.push.models import PushSubscription
from backend.reports.models import UsageEvent
from backend.restrictions.models import AccountRestriction, RestrictionAppeal
from backend.safeguarding.models import SafeguardingAlert, SafeguardingAlertItem
from backend.signposting.models import DirectorySchedule, DirectoryService

metadata = Base.metadata

__all__ = ["PushSubscription", "ChatSavedReply", "ChatTransfer", "ChatWhisper", "MessageThread", "TeamMessage", "ChatMessage", "ChatRequest", "ChatSession", "CounsellorAvailability", "DirectorySchedule", "DirectoryService", "Goal", "GoalRating", "JournalEntry", "MoodCheckin",
           "Article", "Topic", "Base", "Council", "LoginThrottle", "UsageEvent", "User", "WebSession", "metadata",
           "AuditLog", "Board", "ForumSettings", "Post", "Reaction", "Report", "SafeguardingAlert", "SafeguardingAlertItem", "Thread",
           "WatchedWordRow", "AccountRestriction", "RestrictionAppeal", "StaffMfa", "ChatClosure", "ChatSchedule"]
