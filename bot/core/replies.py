"""Neutral outgoing messages: text, button rows, a photo, a document or a file reference.

Adapters turn these into platform API calls; the outbox stores them as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    payload: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.payload is None) == (self.url is None):
            raise ValueError("a button has either a payload or a url")


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo known to the platform (`file_id`) or raw bytes to upload."""

    file_id: str | None = None
    content: bytes | None = None
    platform: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    file_name: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file the platform already holds (a PDF receipt, an image sent as a file), sent
    again by its `file_id`: Telegram's document file id, VK's "doc<owner>_<id>[_key]"
    attachment. Unlike `Document` it carries no bytes, so it fits the outbox; a file id of
    another platform is not sendable there (send the text alone)."""

    file_id: str
    platform: str
    file_name: str | None = None
    mime_type: str | None = None


@dataclass(slots=True)
class Reply:
    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    photo: Photo | None = None
    document: Document | None = None
    # Replace the message whose button was pressed instead of sending a new one (menus).
    edit: bool = False
    # Last, so replies built with positional fields keep their meaning.
    file: FileRef | None = None

    def to_json(self) -> dict[str, Any]:
        """Serializable form for the outbox. Documents are never queued (they are answers)."""
        data: dict[str, Any] = {"text": self.text}
        if self.buttons:
            data["buttons"] = [
                [{"text": b.text, "payload": b.payload, "url": b.url} for b in row]
                for row in self.buttons
            ]
        if self.photo is not None and self.photo.file_id:
            data["photo"] = {"file_id": self.photo.file_id, "platform": self.photo.platform}
        if self.file is not None:
            data["file"] = {
                "file_id": self.file.file_id,
                "platform": self.file.platform,
                "file_name": self.file.file_name,
                "mime_type": self.file.mime_type,
            }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        buttons = [
            [Button(text=b["text"], payload=b.get("payload"), url=b.get("url")) for b in row]
            for row in data.get("buttons", [])
        ]
        photo = data.get("photo")
        file = data.get("file")
        return cls(
            text=data["text"],
            buttons=buttons,
            photo=Photo(file_id=photo["file_id"], platform=photo.get("platform"))
            if photo
            else None,
            file=FileRef(
                file_id=file["file_id"],
                platform=file["platform"],
                file_name=file.get("file_name"),
                mime_type=file.get("mime_type"),
            )
            if file
            else None,
        )
