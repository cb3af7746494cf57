import re
from pathlib import Path

from bot.texts import LANGUAGES, LOCALES_DIR, Texts
from handlers import build_router


def test_every_key_exists_in_every_language() -> None:
    texts = Texts()
    keys = {lang: texts.keys(lang) for lang in LANGUAGES}
    for lang in LANGUAGES:
        for other in LANGUAGES:
            missing = keys[other] - keys[lang]
            assert not missing, f"{lang} lacks {sorted(missing)}"


def test_menu_commands_keep_their_order() -> None:
    # /help and the platforms' command menus list commands in this order (the routers' order
    # in handlers/__init__.py): moving a module must not reshuffle what people see.
    menu = [name for name, route in build_router().commands.items() if route.menu]
    assert menu == [
        *("start", "help", "lang", "cancel", "organizer", "newpurchase", "mypurchases"),
        *("purchase", "purchases", "orders", "organizers", "pickup", "comments", "pay"),
        *("payments", "reconcile", "invite", "promo", "rounds"),
        *("newpromo", "mypromos", "promoreport", "affiliate", "approve"),
        *("link", "post", "notify"),
        "broadcast",
        *("nonpayers", "blacklist"),
        *("chat", "chats", "claim", "moderation"),
    ]


def test_every_menu_command_has_a_description() -> None:
    texts = Texts()
    for name, route in build_router().commands.items():
        if route.menu:
            for lang in LANGUAGES:
                assert texts.has(f"cmd-{name}", lang), f"cmd-{name} missing in {lang}"


def test_every_key_used_in_code_exists() -> None:
    texts = Texts()
    root = Path(__file__).resolve().parent.parent
    pattern = re.compile(
        r"""(?:\.say|\.t|\.notify|UserError)\(\s*(?:[a-z_.]+,\s*)?["']([a-z][a-z0-9-]*[a-z0-9])["']"""
    )
    used: set[str] = set()
    for folder in ("handlers", "bot/core", "bot/adapters"):
        for path in (root / folder).rglob("*.py"):
            used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert used, "the pattern found no keys at all"
    missing = sorted(key for key in used if not texts.has(key, "ru"))
    assert not missing, missing


def test_formatting_without_isolation_marks_and_with_plurals() -> None:
    texts = Texts()
    text = texts.get("ru", "unknown-command", command="foo")
    assert "/foo" in text and "\u2068" not in text
    assert texts.get("de", "cancel-done") == texts.get("ru", "cancel-done")
    assert LOCALES_DIR.is_dir()
