"""User-facing texts: Fluent files per language under bot/locales/<lang>/*.ftl.

Fluent gives Russian plural forms ("1 друг", "3 друга", "7 друзей") without code. Every key
exists in every language (a test checks); a missing key falls back to the default language.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("ru", "en")
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}

log = logging.getLogger(__name__)


def _load_bundle(lang: str) -> FluentBundle:
    bundle = FluentBundle([lang], use_isolating=False)
    for path in sorted((LOCALES_DIR / lang).glob("*.ftl")):
        bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))
    return bundle


class Texts:
    """All languages, loaded once at start."""

    def __init__(self, default_language: str = "ru") -> None:
        self.default_language = default_language
        self._bundles = {lang: _load_bundle(lang) for lang in LANGUAGES}
        # Texts without arguments, formatted once: the bundles never change after loading.
        self._plain: dict[tuple[str, str], str] = {}

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
                elif not args:
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
