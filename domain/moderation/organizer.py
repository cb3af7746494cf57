"""Rules for organizers only: no one-word answers, no disparaging the service."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+")
_TARGET = re.compile(
    r"\b(?:бот(?:а|у|ом|е|ы|ов|ам|ами|ах)?|чат-бот\w*|чатбот\w*|сервис\w*|платформ\w*"
    r"|приложени\w*|систем\w*|площадк\w*|bot|bots|service|platform|app|system)\b"
)
_NEGATIVE = re.compile(
    r"\b(?:ужасн\w*|ужасен|отстой\w*|глюч\w*|глюк\w*|бесполезн\w*|убог\w*|кошмар\w*|дерьм\w*|фигн\w*"
    r"|фигов\w*|хренов\w*|криво\w*|крив(?:ой|ая|ое|ые)|туп(?:ой|ая|ое|ые|ит)|никчемн\w*"
    r"|бестолков\w*|говн\w*|гавн\w*|развод\w*|лохотрон\w*|мошенн\w*|ворует|воруют|обманывает"
    r"|помойк\w*|свалк\w*|недоразумени\w*|ненавиж\w*|отвратительн\w*|мерзк\w*|позор\w*|ужас|хуже\s+некуда"
    r"|useless|garbage|crap|crappy|sucks|terrible|awful|trash|worst|scam|rubbish|junk|shitty|broken|joke|hate"
    r"|pathetic|horrible|disgusting|unusable)\b"
    r"|\bне\s+(?:пользуйтесь|доверяйте|платите\s+через|связывайтесь\s+с)\b|\b(?:уйду|уходите|уходим)\s+с\b"
    r"|\b(?:don'?t|do\s+not|never)\s+(?:use|rely|trust|pay)\b|\bmoving\b.*\belsewhere\b|\bavoid\s+(?:this|the)\b"
)


def is_one_word(text: str) -> bool:
    """At most one word (emoji, "+", "Ок.")."""
    words = _WORD.findall(text)
    return len(words) <= 1


def disparages(text: str) -> bool:
    """`text` (`base` form) runs down the bot, the service or the platform."""
    return _TARGET.search(text) is not None and _NEGATIVE.search(text) is not None
