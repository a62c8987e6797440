"""accounts: a NOTIFY when a person's account changes, so every worker forgets it at once

Revision ID: c7d2e91f4a60
Revises: 4e45dafb016e
Create Date: 2026-12-01 19:10:00+00:00

Each worker keeps who is signed in (``backend.accounts.auth.UserReader``) while it listens
for these notices: any change to what it keeps (role, council, switched off, deleted, a
temporary password, staff MFA), made by any code path or by hand in SQL, sends the person's
id on ``waymark_user_changed`` when its transaction commits.
"""
from __future__ import annotations

from alembic import op

revision = 'c7d2e91f4a60'
down_revision = '4e45dafb016e'
branch_labels = None
depends_on = None

KEPT = ("username", "role", "council_code", "birth_month", "birth_year", "extended_eligibility", "display_name",
        "disabled", "password_change_required")


def upgrade() -> None:
    op.execute("""
        CREATE FUNCTION waymark_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_TABLE_NAME = 'user_account' THEN
                PERFORM pg_notify('waymark_user_changed', OLD.id::text);
            ELSIF TG_OP = 'DELETE' THEN
                PERFORM pg_notify('waymark_user_changed', OLD.user_id::text);
            ELSE
                PERFORM pg_notify('waymark_user_changed', NEW.user_id::text);
            END IF;
            RETURN NULL;
        END $$""")
    old = ", ".join(f"OLD.{c}" for c in KEPT)
    new = ", ".join(f"NEW.{c}" for c in KEPT)
    op.execute(f"""CREATE TRIGGER user_account_changed AFTER UPDATE ON user_account FOR EACH ROW
                   WHEN (({old}) IS DISTINCT FROM ({new})) EXECUTE FUNCTION waymark_user_changed()""")
    op.execute("""CREATE TRIGGER user_account_deleted AFTER DELETE ON user_account FOR EACH ROW
                  EXECUTE FUNCTION waymark_user_changed()""")
    op.execute("""CREATE TRIGGER staff_mfa_changed AFTER INSERT OR UPDATE OF enabled_at OR DELETE ON staff_mfa
                  FOR EACH ROW EXECUTE FUNCTION waymark_user_changed()""")


def downgrade() -> None:
    op.execute("DROP TRIGGER staff_mfa_changed ON staff_mfa")
    op.execute("DROP TRIGGER user_account_deleted ON user_account")
    op.execute("DROP TRIGGER user_account_changed ON user_account")
    op.execute("DROP FUNCTION waymark_user_changed()")
