"""Links: every link to another site is a violation; shorteners, punycode and look-alike
domains and links that ask to log in or pay are named as such. Links to messengers and social
networks are contacts (an account), not links.

Domains are checked against the public suffix list that the `tld` package ships (read from
its files, never fetched), so "photo.jpg", "г.Москва" and "т.е." are not domains.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tld import get_tld

from domain.moderation.words import lines

_SCHEME_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"']+|\bwww\.[^\s<>\"']+")
_LABEL = r"[a-z0-9а-я](?:[a-z0-9а-я\-]{0,61}[a-z0-9а-я])?"
_BARE_URL = re.compile(
    rf"(?<![\w@.\-])(?:{_LABEL}\.)+(?:[a-zа-я]{{2,24}}|xn--[a-z0-9\-]+)\b(?::\d+)?(?:/[^\s<>\"']*)?"
)
_HOST = re.compile(r"^(?:(?:https?|ftp)://)?([^/?#:\s]+)")
_LOGIN_OR_PAY = re.compile(
    r"log-?in|sign-?in|auth|verif|account|passw|oplat|pay|checkout|invoice|wallet|card|vhod"
    r"|вход|оплат|возврат|vozvrat|refund|bonus|бонус|kompens|компенсац|secure"
)
_LATIN = re.compile(r"[a-z]")
_CYRILLIC = re.compile(r"[а-я]")

_SHORTENERS = frozenset(lines("shorteners.txt"))
_SOCIAL = frozenset(lines("social.txt"))


def _brands() -> tuple[dict[str, frozenset[str]], list[str]]:
    real: dict[str, frozenset[str]] = {}
    for line in lines("brands.txt"):
        name, *domains = line.split()
        real[name] = frozenset(domains)
    return real, sorted(real, key=len, reverse=True)


_REAL, _BRAND_NAMES = _brands()
_ALL_REAL = frozenset(d for domains in _REAL.values() for d in domains)
_SKELETON = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l", "3": "e", "5": "s", "@": "a"})


def _skeleton(name: str) -> str:
    return name.translate(_SKELETON).replace("rn", "m").replace("vv", "w")


def _near(a: str, b: str) -> bool:
    """`a` and `b` differ by one edit or two swapped neighbours (a typo)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _registered(host: str) -> tuple[str, str] | None:
    """(registered domain, its name without the suffix) of `host`, or None when its suffix
    is no public suffix."""
    found = get_tld(host, fix_protocol=True, fail_silently=True, as_object=True)
    if found is None:
        return None
    return found.fld, found.domain


def candidates(text: str) -> list[str]:
    """The links in `text` (lower case, de-obfuscated): with a scheme or "www.", and bare
    domains with a public suffix."""
    found = _SCHEME_URL.findall(text)
    if "." in text:
        for match in _BARE_URL.finditer(text):
            url = match.group(0)
            if not any(url in f for f in found):
                found.append(url)
    return found


@lru_cache(maxsize=4096)
def classify(url: str) -> tuple[str, str] | None:
    """("contacts", "handle") for a messenger or social link, ("links", detail) for another
    link, None for what is no link after all."""
    match = _HOST.match(url)
    if match is None:
        return None
    host = match.group(1).rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    has_scheme = "://" in url or url.startswith("www.")
    if re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", host):
        return ("links", "url") if has_scheme else None
    registered = _registered(host)
    if registered is None:
        return ("links", "url") if has_scheme else None
    domain, name = registered
    if not has_scheme and len(name) < 2 and domain not in _SOCIAL and domain not in _SHORTENERS:
        return None
    if domain in _SHORTENERS or host in _SHORTENERS:
        return ("links", "shortener")
    if domain in _SOCIAL or host in _SOCIAL:
        return ("contacts", "handle")
    if "xn--" in host:
        return ("links", "punycode")
    if _LATIN.search(host) and _CYRILLIC.search(host):
        return ("links", "lookalike")
    if _lookalike(host, domain):
        return ("links", "lookalike")
    rest = url[match.end() :]
    if _LOGIN_OR_PAY.search(rest) or _LOGIN_OR_PAY.search(name):
        return ("links", "login_or_pay")
    return ("links", "url")


def _lookalike(host: str, domain: str) -> bool:
    if domain in _ALL_REAL:
        return False
    labels = [label for label in host.split(".") if label]
    for label in labels[:-1]:
        skeleton = _skeleton(label)
        for part in [*re.split(r"[-_]", label), label]:
            part_skeleton = _skeleton(part)
            for brand in _BRAND_NAMES:
                if len(brand) >= 4 and brand in label:
                    return True
                brand_skeleton = _skeleton(brand)
                if part_skeleton == brand_skeleton or (
                    len(brand) >= 5 and _near(part_skeleton, brand_skeleton)
                ):
                    return True
        if skeleton in _BRAND_NAMES:
            return True
    return False


def find_link(text: str) -> tuple[str, str] | None:
    """(rule, detail) of the first link in `text` (lower case, de-obfuscated), or None."""
    if "." not in text:
        return None
    for url in candidates(text):
        verdict = classify(url.rstrip(".,;:!?)"))
        if verdict is not None:
            return verdict
    return None
