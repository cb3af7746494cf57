# The bot in a container: `docker build -t joint-purchase-bot .`, then
#   docker run -it --rm -v bot-data:/app/data joint-purchase-bot      the console, on SQLite
#   docker run -d --env-file .env -v bot-data:/app/data joint-purchase-bot
# or, with PostgreSQL, `docker compose up -d` (compose.yaml). The bot migrates its database
# itself at every start, so an upgrade is: build, then restart.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# A user of its own: the bot needs no root, and a hole in it must not hand root over.
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin bot

# The requirements before the code, so the (slow) package layer is rebuilt only when they
# change. Only the runtime part: requirements.txt ends with the tests and tooling.
COPY requirements.txt .
RUN sed '/^# Tests and tooling/,$d' requirements.txt > /tmp/runtime.txt \
    && pip install -r /tmp/runtime.txt \
    && rm /tmp/runtime.txt

COPY . .
# The SQLite database (DATABASE_URL's default data/bot.sqlite3), the console's log and
# backups live in data/, a volume: they outlive the container. Owned by the bot's user
# before VOLUME, so a new named volume starts with that owner.
RUN mkdir -p /app/data && chown bot:bot /app/data
VOLUME ["/app/data"]

USER bot
# The web server (Telegram's webhook, /healthz, /metrics) when WEBHOOK_PORT is set.
EXPOSE 8080
# Telegram and/or VK by the tokens set; the console (docker run -it) when none is.
# Exec form: python is PID 1 and gets SIGTERM from `docker stop` itself, and stops gracefully.
CMD ["python", "bot.py"]
