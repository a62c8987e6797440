"""Safeguarding alerts: a human told at once when a young person may be at risk.

Raised automatically by the domains that read young people's words (forum posts, chat
messages, message threads) through ``services.raise_safeguarding_alert``, or by a
moderator escalating a post; read and acknowledged by counsellors."""
