"""The deployment kit: Dockerfile, .dockerignore, compose.yaml, the systemd unit and
.env.example agree with the code. No Docker here: the files are read, and the commands they
run are run the way the container or the service would run them."""

from __future__ import annotations

import configparser
import http.server
import json
import os
import re
import shlex
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest
import yaml
from alembic.script import ScriptDirectory

from bot.settings import Settings
from storage.migrate import alembic_config
from tests.support.environment import setting_names

ROOT = Path(__file__).resolve().parent.parent
# Files the bot needs at run time: the image must hold them.
RUNTIME_PATHS = (
    "bot.py",
    "bot/app.py",
    "domain/clock.py",
    "handlers/common.py",
    "storage/db.py",
    "migrations/env.py",
    "alembic.ini",
    "requirements.txt",
)
# Variables .env.example may list besides the settings: compose.yaml reads them.
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}


def env_names_of(name: str) -> set[str]:
    """The names one setting is read from (the field's, or its aliases when it has them)."""
    alias = Settings.model_fields[name].validation_alias
    if alias is None:
        return {name.upper()}
    return {c.upper() for c in getattr(alias, "choices", [alias]) if isinstance(c, str)}


def clean_env(**settings: str) -> dict[str, str]:
    names = setting_names()
    env = {key: value for key, value in os.environ.items() if key.upper() not in names}
    env.update(settings)
    return env


# --- compose.yaml ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def environment_of(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):  # the KEY=value list form
        environment = dict(item.split("=", 1) for item in environment)
    return {key: str(value) for key, value in environment.items()}


def test_compose_runs_the_bot_beside_postgres(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"bot", "postgres"}
    postgres, bot = services["postgres"], services["bot"]
    # The database outlives the container in a named volume.
    volume = postgres["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    # The bot starts once PostgreSQL accepts connections, not merely once it was started.
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    url = environment_of(bot)["DATABASE_URL"]
    assert url.startswith("postgresql+asyncpg://") and "@postgres:5432/" in url
    env_files = bot["env_file"] if isinstance(bot["env_file"], list) else [bot["env_file"]]
    assert ".env" in [item["path"] if isinstance(item, dict) else item for item in env_files]


def test_compose_sets_only_real_settings(compose: dict[str, Any]) -> None:
    # A misspelt name would be ignored by the bot (extra="ignore"), silently.
    unknown = set(environment_of(compose["services"]["bot"])) - setting_names()
    assert not unknown, f"compose.yaml sets {unknown}, which no setting reads"


def healthcheck_command(compose: dict[str, Any]) -> list[str]:
    test = compose["services"]["bot"]["healthcheck"]["test"]
    assert test[0] == "CMD", "exec form: the slim image has a python, not necessarily a shell"
    return test[1:]


def test_compose_health_check_asks_healthz_on_the_port_setting(compose: dict[str, Any]) -> None:
    command = " ".join(healthcheck_command(compose))
    assert "127.0.0.1" in command and "/healthz" in command
    port_names = env_names_of("webhook_port")
    assert any(name in command for name in port_names)
    # The setting it reads is set in the container.
    assert port_names & set(environment_of(compose["services"]["bot"]))


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(json.dumps({"status": "ok"}).encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[http.server.HTTPServer]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)])
def test_compose_health_check_command_runs(
    compose: dict[str, Any],
    health_server: http.server.HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    status: int,
    healthy: bool,
) -> None:
    monkeypatch.setattr(_Health, "status", status)
    command = healthcheck_command(compose)
    assert command[0] == "python"
    port = str(health_server.server_address[1])
    env = clean_env(**dict.fromkeys(env_names_of("webhook_port"), port))
    result = subprocess.run(
        [sys.executable, *command[1:]], env=env, capture_output=True, timeout=30
    )
    assert (result.returncode == 0) is healthy, result.stderr


# --- Dockerfile -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dockerfile() -> dict[str, list[str]]:
    """Instruction -> its arguments, in order (continuation lines joined)."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", text)
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, arguments = line.partition(" ")
            found.setdefault(instruction.upper(), []).append(arguments.strip())
    return found


def exec_form(arguments: str) -> list[str]:
    # The JSON (exec) form: the process gets SIGTERM itself, not a shell in front of it.
    command = json.loads(arguments)
    assert isinstance(command, list) and all(isinstance(part, str) for part in command)
    return command


def container_command(dockerfile: dict[str, list[str]]) -> list[str]:
    entrypoint = exec_form(dockerfile["ENTRYPOINT"][-1]) if "ENTRYPOINT" in dockerfile else []
    cmd = exec_form(dockerfile["CMD"][-1]) if "CMD" in dockerfile else []
    return entrypoint + cmd


def test_dockerfile_image_and_user(dockerfile: dict[str, list[str]]) -> None:
    assert dockerfile["FROM"][0].startswith("python:3.11-slim")
    assert dockerfile["WORKDIR"][-1] == "/app"
    user = dockerfile["USER"][-1]
    assert user not in ("root", "0")
    assert any("/app/data" in volume for volume in dockerfile["VOLUME"])
    assert container_command(dockerfile)[:2] == ["python", "bot.py"]


def test_dockerfile_installs_the_runtime_requirements(dockerfile: dict[str, list[str]]) -> None:
    run = " ".join(dockerfile["RUN"])
    match = re.search(r"sed '/\^(.+?)/,\$d' requirements\.txt", run)
    assert match, "the image installs requirements.txt up to the tests section"
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    marker = lines.index(match.group(1))  # the line the image's sed cuts at exists
    runtime = {line.split("==")[0].lower() for line in lines[:marker] if "==" in line}
    tooling = {line.split("==")[0].lower() for line in lines[marker:] if "==" in line}
    assert {"aiogram", "vk_api", "python-json-logger", "asyncpg"} <= runtime
    assert "pytest" in tooling and "pytest" not in runtime


def test_dockerignore_keeps_what_the_bot_needs() -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert ".env" in patterns and ".git" in patterns  # no secrets, no history in the image
    for path in RUNTIME_PATHS:
        assert (ROOT / path).exists()
        prefixes = ["/".join(path.split("/")[: i + 1]) for i in range(path.count("/") + 1)]
        excluded = [p for p in patterns if any(fnmatch(prefix, p) for prefix in prefixes)]
        assert not excluded, f"{path} is left out of the image by {excluded}"


def test_container_command_starts_the_console_migrates_and_exits(
    dockerfile: dict[str, list[str]], tmp_path: Path
) -> None:
    # As `docker run -it image` would: the repository as /app, no token, a new SQLite file.
    command = container_command(dockerfile)
    database = tmp_path / "bot.sqlite3"
    result = subprocess.run(
        [sys.executable, *command[1:]],
        cwd=ROOT,
        env=clean_env(
            DATABASE_URL=f"sqlite+aiosqlite:///{database}",
            TELEGRAM_TOKEN="",  # empty beats a developer's .env in the repository
            VK_TOKENS="",
            LOG_FILE=str(tmp_path / "console.log"),
        ),
        input="/start\n:quit\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Console bot." in result.stdout
    assert "Traceback" not in result.stderr
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == (head,)
        # /start reached the database: the person was recorded.
        assert db.execute("SELECT count(*) FROM users").fetchone()[0] >= 1


def test_container_command_stops_cleanly_on_sigterm(
    dockerfile: dict[str, list[str]], tmp_path: Path
) -> None:
    # `docker stop` sends SIGTERM to the command (PID 1 in the container): a clean exit,
    # not the SIGKILL that follows when it is ignored.
    command = container_command(dockerfile)
    process = subprocess.Popen(
        [sys.executable, *command[1:]],
        cwd=ROOT,
        env=clean_env(
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
            TELEGRAM_TOKEN="",
            VK_TOKENS="",
            LOG_FILE=str(tmp_path / "console.log"),
        ),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("Console bot.")  # up and waiting
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


# --- the systemd unit -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(ROOT / "deploy" / "joint-purchase-bot.service", encoding="utf-8")
    return parser


def test_systemd_unit_runs_bot_py(unit: configparser.ConfigParser) -> None:
    service = unit["Service"]
    command = shlex.split(service["ExecStart"])
    assert Path(command[0]).name.startswith("python")
    assert command[1] == "bot.py"  # relative to WorkingDirectory
    assert service["WorkingDirectory"].startswith("/")
    assert service["Restart"] == "on-failure"
    assert service["KillSignal"] == "SIGTERM"
    assert service["TimeoutStopSec"] == "30"
    assert service["EnvironmentFile"]
    assert service["User"] not in ("", "root")
    # Exit 2 is a configuration error (bot/startup_errors.py): restarting cannot fix it.
    assert service["RestartPreventExitStatus"] == "2"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


# --- .env.example ---------------------------------------------------------------------------


def example_names() -> dict[str, str]:
    """NAME -> the comment block above it, for every `NAME=` line (commented out or not);
    consecutive NAME lines share the block above them."""
    names: dict[str, str] = {}
    comment: list[str] = []
    after_name = False
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        match = re.match(r"#?\s*([A-Z][A-Z0-9_]*)=", line)
        if match:
            names.setdefault(match.group(1), " ".join(comment))
            after_name = True
            continue
        if not line.startswith("#"):
            comment = []  # a blank line ends a block
        elif after_name:
            comment = [line]  # a new block starts
        else:
            comment.append(line)
        after_name = False
    return names


def test_env_example_lists_every_setting_with_a_comment() -> None:
    listed = example_names()
    missing = [
        name.upper() for name in Settings.model_fields if not env_names_of(name) & set(listed)
    ]
    assert not missing, f".env.example does not list {missing}"
    uncommented = [name for name, comment in listed.items() if not comment]
    assert not uncommented, f"no comment above {uncommented} in .env.example"


def test_env_example_names_only_real_settings() -> None:
    unknown = set(example_names()) - setting_names() - COMPOSE_ONLY
    assert not unknown, f".env.example lists {unknown}, which no setting reads"
