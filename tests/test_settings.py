import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "TELEGRAM_TOKEN", "VK_TOKENS", "ADMIN_IDS", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_run_console_on_sqlite() -> None:
    settings = load_settings()
    assert settings.database_url.startswith("sqlite+aiosqlite:///data/")
    assert settings.telegram_token is None and settings.vk_tokens == []
    assert settings.default_language == "ru"


def test_comma_separated_lists_and_secret_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VK_TOKENS", "tok-a, tok-b,")
    monkeypatch.setenv("ADMIN_IDS", "telegram:123, VK:45")
    monkeypatch.setenv("TELEGRAM_TOKEN", "123456:ABCDEFGHIJKLMNOP")
    settings = load_settings()
    assert [t.get_secret_value() for t in settings.vk_tokens] == ["tok-a", "tok-b"]
    assert settings.is_admin("telegram", "123") and settings.is_admin("vk", "45")
    assert not settings.is_admin("telegram", "45")
    # Secrets never show up in reprs or logs.
    assert "ABCDEFGHIJ" not in repr(settings) and "tok-a" not in repr(settings)


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DEFAULT_LANGUAGE=en\nLOG_LEVEL=DEBUG\n", encoding="utf-8")
    settings = load_settings()
    assert settings.default_language == "en" and settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ADMIN_IDS", "123"),
        ("ADMIN_IDS", "icq5:5"),
        ("TELEGRAM_TOKEN", "not-a-token"),
        ("DATABASE_URL", "mysql://x"),
        ("DEFAULT_LANGUAGE", "de"),
        ("LOG_LEVEL", "LOUD"),
        ("TELEGRAM_API_URL", "api.telegram.org"),
    ],
)
def test_bad_values_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert message.startswith(f"Invalid setting {name}:")
    assert "\n" not in message


def test_corrupt_env_file_stops_start_with_one_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ADMIN_IDS=telegram\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "migrate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Invalid setting ADMIN_IDS: 'telegram' is not of the form platform:id, e.g. telegram:123"
    ]
    assert not (tmp_path / "data").exists()


def test_admins_of_a_platform_the_bot_does_not_know_stop_start(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ADMIN_IDS=telegram:1,icq:5\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "migrate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Invalid setting ADMIN_IDS: unknown platform 'icq' in 'icq:5'; "
        "known: console, max, ok, telegram, vk"
    ]
