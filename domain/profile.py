"""What an organizer's profile fields and pickup points may hold.

Each function returns the cleaned value or None when the text is not acceptable; the UI
explains the limits (exported below) in the organizer's language.
"""

from __future__ import annotations

import re

from domain.purchase_form import clean_block
from domain.text_rules import clean_line

NAME_MIN, NAME_MAX = 2, 64
ABOUT_MAX = 1000
PAYMENT_DETAILS_MAX = 1000
POINT_NAME_MIN, POINT_NAME_MAX = 2, 100
ADDRESS_MIN, ADDRESS_MAX = 5, 255
HOURS_MAX = 255

# The same idea as in names: the profile must not advertise other places to buyers.
_LINK = re.compile(r"(https?://|www\.|t\.me/|vk\.com/|@\w)", re.IGNORECASE)


def clean_name(text: str) -> str | None:
    return clean_line(text, min_length=NAME_MIN, max_length=NAME_MAX)


def clean_about(text: str) -> str | None:
    """A short description: several lines are fine, links are not."""
    about = clean_block(text, max_length=ABOUT_MAX)
    if about is None or _LINK.search(about):
        return None
    return about


def clean_payment_details(text: str) -> str | None:
    """Shown to buyers when they pay: card or phone numbers and bank links are the point."""
    return clean_block(text, max_length=PAYMENT_DETAILS_MAX)


def clean_point_name(text: str) -> str | None:
    return clean_line(text, min_length=POINT_NAME_MIN, max_length=POINT_NAME_MAX)


def clean_address(text: str) -> str | None:
    return clean_line(text, min_length=ADDRESS_MIN, max_length=ADDRESS_MAX)


def clean_hours(text: str) -> str | None:
    """Opening hours as people write them ("пн–пт 10–19, сб 11–16")."""
    return clean_line(text, min_length=1, max_length=HOURS_MAX)


def describe_point(name: str, address: str, hours: str) -> str:
    """One line for a pickup point in messages: "Name: address (hours)"."""
    text = f"{name}: {address}"
    return f"{text} ({hours})" if hours else text
