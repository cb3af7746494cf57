"""What every area's screens share: ids and page numbers in payloads, shortened titles, paged
lists with their ◀ ▶ row, photos from stored media, and the organizer of the person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.events import AttachmentKind
from bot.core.replies import Button, Photo
from bot.texts import Translator
from storage.models import Media, Organizer

# Database ids in payloads and links: a bigger number is forged and must not reach a query
# (PostgreSQL would fail on an integer out of range instead of finding nothing).
MAX_ID = 2**31 - 1
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Field(ge=0, le=100_000)]

# What fits on a button (Telegram shows about this much of a label on a phone).
BUTTON_TITLE_LENGTH = 40


def short(text: str, limit: int = BUTTON_TITLE_LENGTH) -> str:
    """`text` cut to `limit` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class Paging:
    """One page of a list of `total` rows, `per_page` a page, pages counted from 0."""

    page: int
    pages: int
    per_page: int

    @classmethod
    def of(cls, total: int, per_page: int, page: int) -> Paging:
        pages = max(1, -(-total // per_page))
        # A stale "next" after the list shrank shows the last page rather than an empty one.
        return cls(min(max(page, 0), pages - 1), pages, per_page)

    @classmethod
    def of_more(cls, page: int, per_page: int, more: bool) -> Paging:
        """A page of a list whose length is not counted: `more` says whether rows follow
        (fetch `per_page + 1` to know)."""
        return cls(page, page + (2 if more else 1), per_page)

    @property
    def start(self) -> int:
        """The index of the page's first row."""
        return self.page * self.per_page

    def nav(self, t: Translator, make: Callable[[int], str]) -> list[Button]:
        """◀ / ▶ to the neighbouring pages (`make(page)` is a button's payload); empty when
        everything fits on one page."""
        row = []
        if self.page > 0:
            row.append(Button(t("button-prev"), make(self.page - 1)))
        if self.page < self.pages - 1:
            row.append(Button(t("button-next"), make(self.page + 1)))
        return row


def media_photo(media: Media | None, platform: str) -> Photo | None:
    """A stored photo as `platform` can show it: its own file id (a platform's file id means
    nothing to another platform), else the stored bytes to upload; None without either."""
    if media is None:
        return None
    if media.platform == platform and media.file_id:
        return Photo(file_id=media.file_id, platform=media.platform)
    if media.content:
        return Photo(content=media.content)
    return None


async def photo_from_event(ctx: Context) -> Media | None:
    """The photo attached to this message (or an image sent as a file), stored as a Media
    row; None if there is none."""
    for attachment in ctx.event.attachments:
        is_image_file = attachment.kind is AttachmentKind.DOCUMENT and (
            attachment.mime_type or ""
        ).startswith("image/")
        if attachment.kind is AttachmentKind.PHOTO or is_image_file:
            return await ctx.uow.profiles.add_media(
                ctx.event.platform,
                attachment.file_id,
                kind="photo",
                mime_type=attachment.mime_type,
                size=attachment.size,
            )
    return None


def require_organizer(ctx: Context) -> Organizer:
    """The person's organizer profile. Dialog steps are not role-checked by the dispatcher: a
    half-filled form of someone who is no longer an organizer must not write anything."""
    if ctx.organizer is None:
        raise UserError("need-organizer")
    return ctx.organizer
