"""chat: store a message in one round trip

Revision ID: a3c1f0e2b7d4
Revises: 5c34011364f2
Create Date: 2026-11-22 15:30:00+00:00

``chat_store_message`` does, in one call and one transaction, what storing a chat message
needs: lock the chat's row (so numbers have no gaps), check that the sender is one of its
two people, return the stored message when the same ``client_id`` comes again, refuse an
ended chat, number the message, store it, mark the chat at risk when the message suggests
risk to life, and queue a NOTIFY with ids only (PostgreSQL sends it on commit). Under READ
COMMITTED each statement of a PL/pgSQL function takes a new snapshot, so the duplicate
check after the row lock sees a message a concurrent writer committed while we waited.
The rules that are not about storage (length, emptiness, the moderation engine's level,
service cards) stay in ``backend/chat/services.py``.
"""
from __future__ import annotations

from alembic import op

revision = 'a3c1f0e2b7d4'
down_revision = '5c34011364f2'
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION chat_store_message(
    p_session uuid, p_user uuid, p_client uuid, p_body text, p_risk text, p_attachment jsonb,
    p_now timestamptz)
RETURNS TABLE (outcome text, seq integer, sender text, body text, sent_at timestamptz,
               client_id uuid, risk_level text, attachment jsonb)
LANGUAGE plpgsql AS $fn$
DECLARE
    s record;
    m record;
    v_seq integer;
    v_sender text;
BEGIN
    SELECT c.young_person_id, c.counsellor_id, c.ended_at INTO s
      FROM chat_session c WHERE c.id = p_session FOR UPDATE;
    IF NOT FOUND OR p_user IS NULL
       OR (p_user IS DISTINCT FROM s.young_person_id AND p_user IS DISTINCT FROM s.counsellor_id) THEN
        RETURN QUERY SELECT 'not_found'::text, NULL::integer, NULL::text, NULL::text, NULL::timestamptz,
                            NULL::uuid, NULL::text, NULL::jsonb;
        RETURN;
    END IF;
    IF p_client IS NOT NULL THEN
        SELECT cm.seq, cm.sender, cm.body, cm.sent_at, cm.client_id, cm.risk_level, cm.attachment INTO m
          FROM chat_message cm WHERE cm.session_id = p_session AND cm.client_id = p_client;
        IF FOUND THEN
            RETURN QUERY SELECT 'duplicate'::text, m.seq, m.sender::text, m.body, m.sent_at, m.client_id,
                                m.risk_level::text, m.attachment;
            RETURN;
        END IF;
    END IF;
    IF s.ended_at IS NOT NULL THEN
        RETURN QUERY SELECT 'ended'::text, NULL::integer, NULL::text, NULL::text, NULL::timestamptz,
                            NULL::uuid, NULL::text, NULL::jsonb;
        RETURN;
    END IF;
    v_sender := CASE WHEN p_user = s.counsellor_id THEN 'counsellor' ELSE 'young_person' END;
    UPDATE chat_session c SET last_seq = c.last_seq + 1, last_message_at = p_now,
                              at_risk = c.at_risk OR p_risk = 'urgent'
     WHERE c.id = p_session RETURNING c.last_seq INTO v_seq;
    INSERT INTO chat_message (session_id, seq, sender, body, client_id, sent_at, risk_level, attachment)
    VALUES (p_session, v_seq, v_sender, p_body, p_client, p_now, p_risk, p_attachment);
    PERFORM pg_notify('waymark_events',
                      json_build_object('k', 'message', 's', p_session, 'q', v_seq)::text);
    RETURN QUERY SELECT 'stored'::text, v_seq, v_sender, p_body, p_now, p_client, p_risk, p_attachment;
END
$fn$;
"""


def upgrade() -> None:
    op.execute(FUNCTION)


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS chat_store_message(uuid, uuid, uuid, text, text, jsonb, timestamptz)")
