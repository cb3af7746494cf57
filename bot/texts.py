"""User-facing texts: Fluent files per language under bot/locales/<lang>/*.ftl.

Fluent gives Russian plural forms ("1 друг", "3 друга", "7 друзей") without code. Every key
exists in every language (a test checks); a missing key falls back to the default language.

Examples of dates in hints are written as `{ DAY(7) }`: the Moscow calendar day a week from
today on the process' clock, so an example an organizer copies is never already past.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax import ast as fluent_ast
from fluent.syntax.visitor import Visitor

from domain import clock
from domain.periods import moscow_today

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("ru", "en")
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}

log = logging.getLogger(__name__)


def day_from_today(days: int = 0, style: str = "full") -> str:
    """`DAY(days, style: ...)` in texts: the Moscow calendar day `days` from today, as an
    organizer would type it: "13.12.2026" (full), "13.12" (short) or "2026-12-13" (iso)."""
    day = moscow_today(clock.now()) + timedelta(days=int(days))
    if style == "short":
        return f"{day.day}.{day.month:02d}"
    if style == "iso":
        return day.isoformat()
    return day.strftime("%d.%m.%Y")


TEXT_FUNCTIONS = {"DAY": day_from_today}


class _References(Visitor):
    """The functions and messages a message uses."""

    def __init__(self) -> None:
        self.functions: set[str] = set()
        self.messages: set[str] = set()

    def visit_FunctionReference(self, node: fluent_ast.FunctionReference) -> None:
        self.functions.add(node.id.name)
        self.generic_visit(node)

    def visit_MessageReference(self, node: fluent_ast.MessageReference) -> None:
        self.messages.add(node.id.name)
        self.generic_visit(node)


def _load_bundle(lang: str) -> FluentBundle:
    bundle = FluentBundle([lang], use_isolating=False, functions=TEXT_FUNCTIONS)
    for path in sorted((LOCALES_DIR / lang).glob("*.ftl")):
        bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))
    return bundle


def _changing_with_the_date(bundle: FluentBundle) -> set[str]:
    """Messages whose text depends on today (they use DAY, or a message that does)."""
    references: dict[str, _References] = {}
    for key, message in bundle._messages.items():
        found = references[key] = _References()
        found.visit(message)
    dated = {key for key, found in references.items() if "DAY" in found.functions}
    while True:
        more = {k for k, found in references.items() if k not in dated and found.messages & dated}
        if not more:
            return dated
        dated |= more


class Texts:
    """All languages, loaded once at start."""

    def __init__(self, default_language: str = "ru") -> None:
        self.default_language = default_language
        self._bundles = {lang: _load_bundle(lang) for lang in LANGUAGES}
        # Texts without arguments, formatted once: the bundles never change after loading,
        # but today does, so texts with dates in them are formatted every time.
        self._plain: dict[tuple[str, str], str] = {}
        self._dated = {
            (lang, key)
            for lang, bundle in self._bundles.items()
            for key in _changing_with_the_date(bundle)
        }

    def supports(self, lang: str | None) -> bool:
        return lang in self._bundles

    def pick_language(self, language_code: str | None) -> str:
        """The best language for a platform's language code ("en-US" -> "en")."""
        code = (language_code or "").split("-")[0].lower()
        return code if code in self._bundles else self.default_language

    def has(self, key: str, lang: str) -> bool:
        return self._bundles[lang].has_message(key)

    def keys(self, lang: str) -> set[str]:
        return set(self._bundles[lang]._messages)

    def get(self, lang: str, key: str, **args: Any) -> str:
        if not args:
            plain = self._plain.get((lang, key))
            if plain is not None:
                return plain
        for candidate in (lang, self.default_language):
            bundle = self._bundles.get(candidate)
            if bundle is not None and bundle.has_message(key):
                message = bundle.get_message(key)
                if message.value is None:
                    break
                text, errors = bundle.format_pattern(message.value, args)
                if errors:
                    log.error("text %s/%s: %s", candidate, key, errors)
                elif not args and (candidate, key) not in self._dated:
                    self._plain[lang, key] = text
                return text
        log.error("missing text %s/%s", lang, key)
        return key

    def translator(self, lang: str) -> Translator:
        return Translator(self, lang)


class Translator:
    """Texts bound to one language: `t("help")`."""

    def __init__(self, texts: Texts, lang: str) -> None:
        self.texts = texts
        self.lang = lang

    def __call__(self, key: str, **args: Any) -> str:
        return self.texts.get(self.lang, key, **args)
