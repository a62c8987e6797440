"""accounts: usernames unique by their look-alike skeleton

Revision ID: 7e5a1c9d2b40
Revises: e8b6302d719b
Create Date: 2026-12-01 16:00:00+00:00

``user_account.username_skeleton`` is what a young person's name looks like at a glance
(``backend.accounts.rules.username_skeleton``: case, look-alike characters and separators
folded), unique where set, so "IiIy_x" cannot sit beside "Lily_x". Existing young people
get theirs; when two already share one, the older keeps it and the newer stays without
(nothing is renamed).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '7e5a1c9d2b40'
down_revision = 'e8b6302d719b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from backend.accounts.rules import username_skeleton

    op.add_column('user_account', sa.Column('username_skeleton', sa.String(length=64), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, username FROM user_account WHERE role = 'young_person' ORDER BY created_at, id")).all()
    seen: set[str] = set()
    for user_id, username in rows:
        skeleton = username_skeleton(username)
        if skeleton in seen:
            continue
        seen.add(skeleton)
        conn.execute(sa.text("UPDATE user_account SET username_skeleton = :s WHERE id = :id"),
                     {"s": skeleton, "id": user_id})
    op.create_index('uq_user_account_username_skeleton', 'user_account', ['username_skeleton'], unique=True,
                    postgresql_where=sa.text('username_skeleton IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('uq_user_account_username_skeleton', table_name='user_account',
                  postgresql_where=sa.text('username_skeleton IS NOT NULL'))
    op.drop_column('user_account', 'username_skeleton')
