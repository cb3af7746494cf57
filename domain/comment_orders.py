"""Comments that read like orders: "2 шт, размер 44" under a purchase post becomes an order
draft (item, size, quantity) that the buyer confirms in private messages.

Pure rules, no database: the caller passes the purchase's orderable items as `ItemSpec`s, in
the order the purchase card numbers them.

What counts as an order. People write "2 шт, размер 44", "хочу синее 46", "x2 44",
"Мне две синих, р. 46", "ART-15 44 2шт", "№2 44", "+" or just "46", and in English
"I'll take 2, size M". A comment becomes a draft only when all of this holds:

* it is not a question ("?", "когда", "сколько", "есть"...), a refusal ("не", "нет",
  "отмена") or a long story (more than `MAX_COMMENT_LENGTH` characters);
* it names one item: by words of its name ("синее" finds "Платье синее"; endings are
  ignored, so "синих" and "синюю" do too), by its article, its number on the card ("№2"),
  its price in roubles, the item photo the comment is under, the only item the sizes fit,
  or because the purchase has one item;
* it names one size or variant of that item ("44", "размер 44", "р. 44", "44 р-р", "XL",
  "черную") unless the item has no sizes or just one;
* it has at most one quantity ("2 шт", "2шт", "x2", "×2", "две", "пару", "2 pcs"; 1 if none);
* it says it is an order (a quantity, a marked size, an article, a price, "хочу", "возьму",
  "беру", "мне", "+", "want", "take"...) or is nothing but a size ("46", "синее 46"), and has
  few words the rules do not know, so "у меня 46 размер и он маломерит" is not an order;
* no number is left unexplained: a stray number is a date, a phone or a size the item does
  not have, and a guess would put a wrong line on someone's bill.

Anything ambiguous (two sizes, two items, a size the item lacks, an unknown number) gives
None: never a guess and never a question back. The only ways to ask are a public reply under
the comment or a private message the community may not be allowed to send; a wrong guess costs
the buyer money; and a comment without a draft loses nothing: it stays in the buyer's
/comments and in the organizer's view, and the post's Order button is one tap away.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from domain.cart import MAX_QUANTITY, match_size
from domain.codes import normalize_code

# Longer comments are stories, reviews or questions; an order is short.
MAX_COMMENT_LENGTH = 300
# Words the rules do not know that an order may still carry (a name, "если можно").
MAX_UNKNOWN_WORDS = 1
MAX_UNKNOWN_WORDS_WITH_VERB = 3
# A bare number that is no size, price or card number is the quantity only up to this
# ("Мне 2 синих 44"); a bigger one is more likely a date, a phone or a size the item lacks.
MAX_BARE_QUANTITY = 20
# Digits in a row beyond this are a phone or card number, never part of an order.
MAX_NUMBER_DIGITS = 7


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """One item a buyer can order, as the parser needs it."""

    id: int
    name: str
    sizes: tuple[str, ...] = ()
    article: str | None = None
    price_kop: int = 0


@dataclass(frozen=True, slots=True)
class OrderDraft:
    item_id: int
    size: str  # "" when the item has no sizes
    quantity: int


# --- vocabulary ---------------------------------------------------------------------------------


def _vocabulary(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Questions, and talk about payments and deliveries.
_NOT_AN_ORDER = _vocabulary(
    "когда сколько почему зачем где куда откуда какой какая какое какие каким какого какую "
    "каких ли подскажите подскажи скажите скажи узнать уточнить уточните вопрос есть будет "
    "будут пришло пришел пришла пришли оплатила оплатил оплатили оплата оплачено перевела "
    "перевел перевели"
)
# English questions are recognised by their first word ("when is the stop", "is there 46").
_QUESTION_STARTS = _vocabulary(
    "when how where why what which who whose is are was were do does did can could will "
    "would should any anyone anybody"
)
_NEGATIONS = _vocabulary(
    "не нет ни отмена отменить отмените отменяю отказ передумал передумала передумали удалите "
    "уберите cancel not no nope don dont never"
)
_ORDER_VERBS = _vocabulary(
    "хочу хочется хотим хотела хотел хотелось возьму возьмем беру берем брать буду будем "
    "заберу забираю заказ заказываю закажу заказать закажите запишите запиши записать "
    "записывайте бронь бронирую забронируйте забронировать оформите оформить оформляю нужно "
    "нужна нужен нужны надо давайте мне нам плюс want wants wanna take taking order ordering "
    "добавьте добавить добавь buy need like get add reserve book"
)
_FILLERS = _vocabulary(
    "а и или по на в во с со к ко для за из от у я меня тоже также еще вот тогда так да ок "
    "окей ok okay пожалуйста пожалуйсто пжл пжлст пж плиз please pls plz the a an of in for "
    "and me my to i it its this that здравствуйте здрасте привет добрый доброе доброго день "
    "вечер утро девочки девушки дамы hello hi hey спасибо спс благодарю благодарим thanks "
    "thank thx ty цвет цвета цвете цветом color colour размер размера размеры размеров size "
    "sizes рост р руб рублей рубля шт штук штуки штука штучки pcs pc piece pieces пара пары "
    "пар pair pairs артикул арт art sku орг организатор"
)
_NUMBER_WORDS = {
    **dict.fromkeys(("один", "одна", "одну", "одно", "one"), 1),
    **dict.fromkeys(("два", "две", "пару", "two"), 2),
    **dict.fromkeys(("три", "three"), 3),
    **dict.fromkeys(("четыре", "four"), 4),
    **dict.fromkeys(("пять", "five"), 5),
    **dict.fromkeys(("шесть", "six"), 6),
    **dict.fromkeys(("семь", "seven"), 7),
    **dict.fromkeys(("восемь", "eight"), 8),
    **dict.fromkeys(("девять", "nine"), 9),
    **dict.fromkeys(("десять", "ten"), 10),
}
# A number right after these is a date, a time or a count of something else ("44 до 12",
# "к 5", "по 3 в упаковке"), never the quantity.
_BEFORE_NOT_A_QUANTITY = _vocabulary(
    "до к ко по с со от на в во после через около примерно until till by at on from after"
)
# Not worth matching against item names ("Набор для сна").
_NAME_STOP_WORDS = _vocabulary("для с со и в во на из от по без под над the a an of for with")

# Where a number or size token starts and ends: not inside a word or a "42-44" / "36,5".
_START = r"(?<!\w)(?<![0-9a-zа-я][.,/\-])"
_END = r"(?!\w|[.,/\-][0-9a-zа-я])"
_UNIT = (
    r"(?:шт|штук[аи]?|штучк[аиу]|пар[аиу]?|уп|упак(?:овк[аиу])?|компл(?:ект[аов]?)?|"
    r"pcs|pc|pieces?|pairs?)\.?"
)
_NUMBER_WORD = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_QUANTITY_PATTERNS = (
    # "2 шт", "2шт.", "2 пары", "2 pcs"
    re.compile(rf"{_START}(?P<n>\d{{1,3}})\s*{_UNIT}(?!\w)"),
    # "две штуки", "two pieces"
    re.compile(rf"(?<!\w)(?P<w>{_NUMBER_WORD})\s+{_UNIT}(?!\w)"),
    # "x2", "х2", "×2", "*2"
    re.compile(rf"{_START}[x×х*]\s*(?P<n>\d{{1,3}}){_END}"),
    # "2x", "2 х" (but not "2xl")
    re.compile(rf"{_START}(?P<n>\d{{1,3}})\s*[x×х]{_END}"),
    # "кол-во 2", "количество: 2", "qty 2"
    re.compile(rf"(?<!\w)(?:кол-?во|количество|qty|quantity)\s*[:\-]?\s*(?P<n>\d{{1,3}}){_END}"),
    # "+2" opening the comment: "me too, two of them"
    re.compile(r"^\s*\+\s*(?P<n>\d)(?!\w)"),
)
_SIZE_VALUE = r"[0-9a-zа-я]{1,5}(?:[.,/\-][0-9a-zа-я]{1,5})?"
_SIZE_PATTERNS = (
    # "размер 44", "р. 44", "р44", "р-р 44", "size M", "рост 122" ("р" alone only before digits:
    # "розовое" is no size)
    re.compile(
        r"(?<!\w)(?:(?:размер[аыео]?м?|разм|р-р|рр|size|sz|рост)\.?(?![a-zа-я])|р\.|р(?=\s*\d))"
        rf"\s*[:\-]?\s*(?P<s>{_SIZE_VALUE}){_END}"
    ),
    # "44 размер", "44 р-р", "в 46 размере"
    re.compile(rf"{_START}(?P<s>{_SIZE_VALUE})\s*(?:размер[аыео]?м?|разм|р-р)\.?(?!\w)"),
)
_ARTICLE_MARKED = re.compile(
    r"(?<!\w)(?:артикул|арт|art|sku)(?:[.:\-\s]+|(?=\d))(?P<a>[0-9a-zа-я][0-9a-zа-я\-./]{0,40})"
)
_POSITION_MARKED = re.compile(r"(?:[#№]|(?<!\w)(?:позиция|поз\.?))\s*(?P<n>\d{1,4})(?!\w)")
_CHUNK = re.compile(r"[0-9a-zа-я]+(?:[.,/\-][0-9a-zа-я]+)*|\+")
_RUNS = re.compile(r"[0-9]+|[a-zа-я]+")
_WORD = re.compile(r"[0-9a-zа-я]+")
_LATIN_TWINS = {"A": "aа", "B": "bв", "E": "eе", "K": "kк", "M": "mм", "H": "hн", "O": "oо"}
_LATIN_TWINS |= {"P": "pр", "C": "cс", "T": "tт", "Y": "yу", "X": "xх"}


# --- the parser ---------------------------------------------------------------------------------


def parse_order_comment(
    text: str, items: Sequence[ItemSpec], *, item_id: int | None = None
) -> OrderDraft | None:
    """The order a comment asks for, or None when it does not plainly read as one.

    `items` are the purchase's orderable items in card order; `item_id` is the item whose
    photo the comment is under, if any (a comment that names another item gets that one).
    """
    if not items or len(text) > MAX_COMMENT_LENGTH:
        return None
    normalized = _normalize(text)
    if "?" in normalized:
        return None
    reading = _Reading(items)
    normalized = reading.take_marked(normalized)
    for position, chunk in enumerate(_CHUNK.findall(normalized)):
        reading.classify(chunk, first=position == 0)
        if reading.refused:
            return None
    return reading.draft(item_id)


def _normalize(text: str) -> str:
    # "№" would become "no" (a refusal) under NFKC.
    text = unicodedata.normalize("NFKC", text.replace("№", "#")).casefold().replace("ё", "е")
    # "I'll", "don't": the ending is not a word of its own (and "m" would read as a size).
    text = re.sub(r"[’'](?:ll|d|m|re|ve|s|t)(?!\w)", "", text)
    return text.replace("\u2212", "-").replace("\u2013", "-").replace("\u2014", "-")


def _cut(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " + text[match.end() :]


def _article(codes: dict[str, int], value: str, whole: str) -> int | None:
    """The item of a marked article: "арт. PL-1", "ART-15" (the marker is part of it), or
    "арт 15" for the one article that is letters and then 15."""
    for typed in (value, whole):
        found = codes.get(normalize_code(typed.rstrip(".,-/")))
        if found is not None:
            return found
    digits = normalize_code(value.rstrip(".,-/"))
    ending = [
        item_id
        for code, item_id in codes.items()
        if digits.isdigit() and code.endswith(digits) and code[: -len(digits)].isalpha()
    ]
    return ending[0] if len(ending) == 1 else None


def _code_pattern(code: str) -> re.Pattern[str]:
    """A typed article in free text: any case, dashes, spaces and Cyrillic twins as typed."""
    parts = [f"[{re.escape(_LATIN_TWINS.get(ch, ch.casefold()))}]" for ch in code]
    return re.compile(r"(?<!\w)" + r"[\s\-_.]*".join(parts) + r"(?!\w)")


class _Reading:
    """What the comment said so far, and the conclusion once every word is read."""

    def __init__(self, items: Sequence[ItemSpec]) -> None:
        self.items = items
        self.refused = False
        self.quantities: set[int] = set()
        self.marked_sizes: list[str] = []  # "размер 44": must be a size of the item
        self.sizes: list[str] = []  # "44", "xl": some item's size
        self.variants: list[str] = []  # "синее", "черную": some item's variant word
        self.numbers: list[int] = []  # numbers nothing explained yet
        self.named: dict[int, set[str]] = {}  # item id -> the words naming it
        self.pointed: set[int] = set()  # by article, card number or price
        self.verb = False
        self.unknown = 0
        self._previous_word: str | None = None
        self._name_words = {item.id: _name_words(item.name) for item in items}
        self._all_sizes = [size for item in items for size in item.sizes]

    # --- marked pieces, taken out of the text first ---------------------------------------------

    def take_marked(self, text: str) -> str:
        text = self._take_articles(text)
        while (match := _POSITION_MARKED.search(text)) is not None:
            number = int(match["n"])
            if not 1 <= number <= len(self.items):
                self.refused = True
                return text
            self.pointed.add(self.items[number - 1].id)
            text = _cut(text, match)
        for pattern in _QUANTITY_PATTERNS:
            while (match := pattern.search(text)) is not None:
                number = match.groupdict().get("n")
                word = match.groupdict().get("w")
                self.quantities.add(int(number) if number else _NUMBER_WORDS[word or ""])
                text = _cut(text, match)
        for pattern in _SIZE_PATTERNS:
            while (match := pattern.search(text)) is not None:
                self.marked_sizes.append(match["s"])
                text = _cut(text, match)
        return text

    def _take_articles(self, text: str) -> str:
        codes = {normalize_code(i.article): i.id for i in self.items if i.article}
        codes.pop("", None)
        if not codes:
            return text
        # "арт. 15": a marked article may be plain digits.
        while (match := _ARTICLE_MARKED.search(text)) is not None:
            found = _article(codes, match["a"], match[0])
            if found is None:
                self.refused = True  # an article of something this purchase does not have
                return text
            self.pointed.add(found)
            text = _cut(text, match)
        # "PL-1 44": an unmarked article needs a letter, or it is just a number.
        for code, found in codes.items():
            if not any(ch.isalpha() for ch in code):
                continue
            pattern = _code_pattern(code)
            while (match := pattern.search(text)) is not None:
                self.pointed.add(found)
                text = _cut(text, match)
        return text

    # --- words and numbers ----------------------------------------------------------------------

    def classify(self, chunk: str, *, first: bool) -> None:
        if chunk == "+":
            self.verb = True
            self._previous_word = None
            return
        has_digits = any(ch.isdigit() for ch in chunk)
        if has_digits and self._is_size(chunk):
            self.sizes.append(chunk)  # "44", "2xl", "42-44" as the organizer wrote them
            self._previous_word = None
            return
        if has_digits and any(ch in ".,/-" for ch in chunk):
            # "36,5" of an item without that size, "12.12", "44-46": split into numbers it
            # would read as size 36 times 5; a wrong line costs money, so no draft.
            self.refused = True
            return
        for index, run in enumerate(_RUNS.findall(chunk)):
            if run.isdigit():
                self._number(run)
                self._previous_word = None
            else:
                self._word(run, first=first and index == 0)
                self._previous_word = run
            if self.refused:
                return

    def _is_size(self, typed: str) -> bool:
        return any(_size_of(item, typed) is not None for item in self.items if item.sizes)

    def _word(self, word: str, *, first: bool) -> None:
        if word in _NEGATIONS or word in _NOT_AN_ORDER or (first and word in _QUESTION_STARTS):
            self.refused = True
            return
        known = False
        for item in self.items:
            if _matches_any(word, self._name_words[item.id]):
                self.named.setdefault(item.id, set()).add(word)
                known = True
        # One-letter prepositions ("в", "с") are not the sizes B or C they look like.
        if not (len(word) == 1 and word in _FILLERS) and any(
            _size_of(item, word) is not None for item in self.items
        ):
            self.variants.append(word)
            known = True
        if known:
            return
        if word in _NUMBER_WORDS:
            self.quantities.add(_NUMBER_WORDS[word])
        elif word in _ORDER_VERBS:
            self.verb = True
        elif word not in _FILLERS:
            self.unknown += 1

    def _number(self, digits: str) -> None:
        if len(digits) > MAX_NUMBER_DIGITS:
            self.refused = True
            return
        if self._is_size(digits):
            self.sizes.append(digits)  # "46р": the size, a stray "р" after it
            return
        if self._previous_word in _BEFORE_NOT_A_QUANTITY:
            self.refused = True  # "44 до 12": a date or a time, and no guess at what it is
            return
        value = int(digits)
        priced = {item.id for item in self.items if item.price_kop == value * 100}
        named = [item.id for item in self.items if digits in self._name_words[item.id]]
        if priced:
            self.pointed |= priced
        elif named:
            for hit in named:
                self.named.setdefault(hit, set()).add(digits)
        else:
            self.numbers.append(value)

    # --- the conclusion -------------------------------------------------------------------------

    def draft(self, item_id: int | None) -> OrderDraft | None:
        item = self._item(item_id)
        if item is None:
            return None
        size = self._size(item)
        quantity = self._quantity()
        if size is None or quantity is None or not self._reads_like_an_order(item):
            return None
        return OrderDraft(item.id, size, quantity)

    def _item(self, item_id: int | None) -> ItemSpec | None:
        candidates = list(self.items)
        evidence = {item.id: self._evidence(item) for item in candidates}
        best = max(len(words) for words in evidence.values())
        if best:
            candidates = [i for i in candidates if len(evidence[i.id]) == best]
            if len({frozenset(evidence[i.id]) for i in candidates}) > 1:
                return None  # "Платье 44, шарф 1 шт": two items named, two lines
        if self.pointed:
            candidates = [i for i in candidates if i.id in self.pointed]
        if not (self.named or self.pointed) and item_id is not None:
            # Under an item's photo: that item, or nothing if it is no longer sold.
            candidates = [i for i in candidates if i.id == item_id]
        if len(candidates) > 1:
            # "2 шт, размер 44" where only the dress comes in 44.
            candidates = [i for i in candidates if self._fits(i)]
        return candidates[0] if len(candidates) == 1 else None

    def _variant_words(self, item: ItemSpec) -> list[str]:
        # A word of this very item's name ("синее" of "Платье синее") is not a variant of it.
        return [w for w in self.variants if w not in self.named.get(item.id, ())]

    def _evidence(self, item: ItemSpec) -> set[str]:
        """The words that point at the item: its name's, and its variants ("синюю футболку"
        is the t-shirt in blue rather than the blue dress)."""
        variants = {w for w in self._variant_words(item) if _size_of(item, w) is not None}
        return self.named.get(item.id, set()) | variants

    def _fits(self, item: ItemSpec) -> bool:
        typed = self.marked_sizes + self.sizes + self._variant_words(item)
        return all(_size_of(item, size) is not None for size in typed)

    def _size(self, item: ItemSpec) -> str | None:
        found = []
        for typed in self.marked_sizes + self.sizes + self._variant_words(item):
            size = _size_of(item, typed)
            if size is None:
                return None  # "размер 50" of a dress that stops at 46, or another item's size
            found.append(size)
        if len(found) > 1:
            # "44 и 46": two lines, not one draft; "мне 44 и подруге 44": two pieces, or one
            # said twice; either way not a draft to guess.
            return None
        if found:
            return found[0]
        if not item.sizes:
            return ""
        return item.sizes[0] if len(item.sizes) == 1 else None

    def _quantity(self) -> int | None:
        quantities = set(self.quantities)
        if self.numbers:
            # One stray small number beside no other quantity is one ("Мне 2 синих 44").
            if len(self.numbers) > 1 or quantities or self.numbers[0] > MAX_BARE_QUANTITY:
                return None
            quantities.add(self.numbers[0])
        if len(quantities) > 1:
            return None
        quantity = quantities.pop() if quantities else 1
        return quantity if 1 <= quantity <= MAX_QUANTITY else None

    def _reads_like_an_order(self, item: ItemSpec) -> bool:
        if self.unknown > (MAX_UNKNOWN_WORDS_WITH_VERB if self.verb else MAX_UNKNOWN_WORDS):
            return False
        # A bare number is no intent of its own ("спасибо, 5", "Маша 3"): it counts as the
        # quantity only beside a word of intent, a size or a marked piece.
        if self.verb or self.quantities or self.marked_sizes or self.pointed:
            return True
        # No word of intent: only a size ("46", "синее 46", "черную") reads as an order; a
        # bare item name ("Шарф") is as likely a question or a remark.
        picked = self.sizes or self._variant_words(item)
        return bool(picked) and self.unknown == 0


# --- matching words -----------------------------------------------------------------------------


def _name_words(name: str) -> set[str]:
    words = _WORD.findall(_normalize(name))
    return {w for w in words if w not in _NAME_STOP_WORDS and (w.isdigit() or len(w) >= 3)}


def _same_word(a: str, b: str) -> bool:
    """Two forms of one word: "синее", "синих", "синюю"; "платье", "платья"."""
    if a == b:
        return True
    if a.isdigit() or b.isdigit() or min(len(a), len(b)) < 4:
        return False
    # Russian endings are one to three letters; the stems before them must agree.
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return shared >= max(3, min(len(a), len(b)) - 2)


def _matches_any(word: str, words: Iterable[str]) -> bool:
    return len(word) >= 3 and any(_same_word(word, other) for other in words)


def _size_of(item: ItemSpec, typed: str) -> str | None:
    """The item's own spelling of a typed size ("xl", "ХL") or variant word ("черную")."""
    exact = match_size(item.sizes, typed)
    if exact is not None:
        return exact
    if not typed.isalpha():
        return None
    found = [
        size
        for size in item.sizes
        if not any(ch.isdigit() for ch in size)
        and any(_same_word(typed, part) for part in _WORD.findall(_normalize(size)))
    ]
    return found[0] if len(found) == 1 else None
