"""The terminal chat: the same handlers and database, no token (`python bot.py console`)."""

PLATFORM = "console"
