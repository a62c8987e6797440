"""safeguarding alerts: any kind, one per author per hour, with items

The ``safeguarding_alert`` table moves to the ``safeguarding`` domain and stops being tied
to a forum post: an alert has a ``kind`` (post, message_thread, chat) and ``source_id``,
its author, the highest level and every category found, and the list of items it covers
(``safeguarding_alert_item``: kind, source id, a reference, level, categories, time; no
text). Existing rows (all about posts) are moved: each keeps its id, takes its post's
author, level and categories, and gets one item for its post.

Revision ID: e8b6302d719b
Revises: a3c1f0e2b7d4
Create Date: 2026-12-01 15:25:18.278234+00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import GUID, ORA_JSONB, DateTimeUTC
from alembic import op
from sqlalchemy.dialects import postgresql

# Autogenerate writes advanced-alchemy's column types as sa.<Type>.
sa.GUID = GUID  # type: ignore[attr-defined]
sa.DateTimeUTC = DateTimeUTC  # type: ignore[attr-defined]
sa.ORA_JSONB = ORA_JSONB  # type: ignore[attr-defined]

revision = 'e8b6302d719b'
down_revision = 'a3c1f0e2b7d4'
branch_labels = None
depends_on = None


KINDS = "kind IN ('post', 'message_thread', 'chat')"
LEVELS = "level IN ('none', 'low', 'medium', 'high', 'urgent')"


def jsonb() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'cockroachdb').with_variant(sa.ORA_JSONB(), 'oracle').with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('safeguarding_alert_item',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('alert_id', sa.UUID(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('source_id', sa.UUID(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=True),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('categories', jsonb(), nullable=False),
    sa.Column('created_at', sa.DateTimeUTC(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint(KINDS, name=op.f('ck_safeguarding_alert_item_kind_known')),
    sa.CheckConstraint(LEVELS, name=op.f('ck_safeguarding_alert_item_level_known')),
    sa.ForeignKeyConstraint(['alert_id'], ['safeguarding_alert.id'], name=op.f('fk_safeguarding_alert_item_alert_id_safeguarding_alert'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safeguarding_alert_item'))
    )
    op.create_index(op.f('ix_safeguarding_alert_item_alert_id'), 'safeguarding_alert_item', ['alert_id'], unique=False)
    op.create_index('ix_safeguarding_alert_item_source', 'safeguarding_alert_item', ['kind', 'source_id'], unique=False)

    # New columns, nullable until the existing rows are moved.
    op.add_column('safeguarding_alert', sa.Column('kind', sa.String(length=16), nullable=True))
    op.add_column('safeguarding_alert', sa.Column('source_id', sa.UUID(), nullable=True))
    op.add_column('safeguarding_alert', sa.Column('author_id', sa.GUID(length=16), nullable=True))
    op.add_column('safeguarding_alert', sa.Column('level', sa.String(length=10), nullable=True))
    op.add_column('safeguarding_alert', sa.Column('categories', jsonb(), nullable=True))
    op.add_column('safeguarding_alert', sa.Column('updated_at', sa.DateTimeUTC(timezone=True), server_default=sa.text('now()'), nullable=False))
    op.execute("""
        UPDATE safeguarding_alert a
           SET kind = 'post', source_id = a.post_id, author_id = p.author_id,
               level = COALESCE(p.risk_level, 'none'), categories = COALESCE(p.risk_categories, '[]'::jsonb),
               updated_at = a.created_at
          FROM forum_post p
         WHERE p.id = a.post_id
    """)
    op.execute("""
        INSERT INTO safeguarding_alert_item (alert_id, kind, source_id, level, categories, created_at)
        SELECT id, kind, source_id, level, categories, created_at FROM safeguarding_alert
    """)
    for column in ('kind', 'source_id', 'level', 'categories'):
        op.alter_column('safeguarding_alert', column, nullable=False)
    op.create_check_constraint(op.f('ck_safeguarding_alert_kind_known'), 'safeguarding_alert', KINDS)
    op.create_check_constraint(op.f('ck_safeguarding_alert_level_known'), 'safeguarding_alert', LEVELS)

    op.drop_index(op.f('ix_safeguarding_alert_post_id'), table_name='safeguarding_alert')
    op.create_index('ix_safeguarding_alert_author_open', 'safeguarding_alert', ['author_id', 'created_at'], unique=False, postgresql_where=sa.text("status = 'open' AND created_by IS NULL"))
    op.create_index('ix_safeguarding_alert_created', 'safeguarding_alert', ['created_at'], unique=False)
    op.drop_constraint(op.f('fk_safeguarding_alert_post_id_forum_post'), 'safeguarding_alert', type_='foreignkey')
    op.create_foreign_key(op.f('fk_safeguarding_alert_author_id_user_account'), 'safeguarding_alert', 'user_account', ['author_id'], ['id'], ondelete='SET NULL')
    op.drop_column('safeguarding_alert', 'post_id')


def downgrade() -> None:
    # Only alerts about a post existed before: the others cannot be kept.
    op.execute("DELETE FROM safeguarding_alert WHERE kind <> 'post' "
               "OR source_id NOT IN (SELECT id FROM forum_post)")
    op.add_column('safeguarding_alert', sa.Column('post_id', sa.UUID(), autoincrement=False, nullable=True))
    op.execute("UPDATE safeguarding_alert SET post_id = source_id")
    op.alter_column('safeguarding_alert', 'post_id', nullable=False)
    op.drop_constraint(op.f('fk_safeguarding_alert_author_id_user_account'), 'safeguarding_alert', type_='foreignkey')
    op.create_foreign_key(op.f('fk_safeguarding_alert_post_id_forum_post'), 'safeguarding_alert', 'forum_post', ['post_id'], ['id'], ondelete='CASCADE')
    op.drop_index('ix_safeguarding_alert_created', table_name='safeguarding_alert')
    op.drop_index('ix_safeguarding_alert_author_open', table_name='safeguarding_alert', postgresql_where=sa.text("status = 'open' AND created_by IS NULL"))
    op.create_index(op.f('ix_safeguarding_alert_post_id'), 'safeguarding_alert', ['post_id'], unique=False)
    op.drop_constraint(op.f('ck_safeguarding_alert_level_known'), 'safeguarding_alert', type_='check')
    op.drop_constraint(op.f('ck_safeguarding_alert_kind_known'), 'safeguarding_alert', type_='check')
    for column in ('updated_at', 'categories', 'level', 'author_id', 'source_id', 'kind'):
        op.drop_column('safeguarding_alert', column)
    op.drop_index('ix_safeguarding_alert_item_source', table_name='safeguarding_alert_item')
    op.drop_index(op.f('ix_safeguarding_alert_item_alert_id'), table_name='safeguarding_alert_item')
    op.drop_table('safeguarding_alert_item')
