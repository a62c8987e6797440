"""Waymark: a free, anonymous wellbeing service for young people."""
