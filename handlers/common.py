"""/start, /help, /lang, /cancel, and what to say to anything else."""

from __future__ import annotations

import re
from typing import Any, Literal
from weakref import WeakKeyDictionary

from bot.core.context import Context
from bot.core.events import ChatKind
from bot.core.payloads import CommandPayload, Payload
from bot.core.replies import Button
from bot.core.router import Role, Router
from bot.texts import LANGUAGE_NAMES, LANGUAGES, Texts

router = Router("common")

# Telegram allows only these characters in a start payload, and at most 64 of them.
START_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
PROFILE_COMMAND = "organizer"


class LanguageChoice(Payload, prefix="lang"):
    code: Literal["ru", "en"]


def help_button(ctx: Context) -> list[list[Button]]:
    return [[Button(ctx.t("button-help"), CommandPayload(name="help").pack())]]


@router.command("start", in_groups=True)
async def start(ctx: Context) -> None:
    if ctx.event.chat.kind is not ChatKind.PRIVATE:
        ctx.say("group-use-private")
        return
    payload = ctx.args.strip()
    if payload:
        prefix, _, value = payload.partition("_")
        link = ctx.links.get(prefix) if START_PAYLOAD.match(payload) else None
        if link is not None and value:
            await link(ctx, value)
            return
        ctx.answer(ctx.t("start-link-unknown") + "\n\n" + help_text(ctx))
        return
    ctx.say("start-welcome", main_menu(ctx), name=ctx.user.name or "👋")


def main_menu(ctx: Context) -> list[list[Button]]:
    """What people come for, a press away: typing commands is not how most buyers think."""

    def button(key: str, command: str) -> Button:
        return Button(ctx.t(key), CommandPayload(name=command).pack())

    rows = [
        [button("menu-purchases", "purchases"), button("menu-orders", "orders")],
        [button("menu-pay", "pay"), button("menu-invite", "invite")],
    ]
    if ctx.organizer is not None:
        rows.append([button("menu-my-purchases", "mypurchases")])
    rows.append([button("button-help", "help")])
    return rows


@router.command("help", aliases=("помощь", "меню", "menu"), in_groups=True)
async def show_help(ctx: Context) -> None:
    ctx.answer(help_text(ctx))


# The help text depends only on the language, the person's roles and the router's commands,
# none of which change while the bot runs: built once per combination, not on every /help.
# Kept per Texts (weakly: an app that is gone takes its help texts along).
_help_texts: WeakKeyDictionary[Texts, dict[tuple[Any, ...], str]] = WeakKeyDictionary()


def help_text(ctx: Context) -> str:
    key = (ctx.lang, ctx.organizer is not None, ctx.is_admin, tuple(ctx.commands))
    known = _help_texts.setdefault(ctx.texts, {})
    text = known.get(key)
    if text is None:
        text = known[key] = _build_help_text(ctx)
    return text


def _build_help_text(ctx: Context) -> str:
    sections = [(Role.ANYONE, "help-section-buyer")]
    if ctx.organizer is not None or ctx.is_admin:
        sections.append((Role.ORGANIZER, "help-section-organizer"))
    if ctx.is_admin:
        sections.append((Role.ADMIN, "help-section-admin"))
    lines = [ctx.t("help-title")]
    for role, title in sections:
        commands = [r for r in ctx.commands.values() if r.role is role and r.menu]
        if role is Role.ANYONE:
            # Anyone may register, but the profile is an organizer's business: organizers
            # find it in their section, everyone else in the "become an organizer" line.
            commands = [r for r in commands if r.name != PROFILE_COMMAND]
        elif role is Role.ORGANIZER and PROFILE_COMMAND in ctx.commands:
            commands.insert(0, ctx.commands[PROFILE_COMMAND])
        if not commands:
            continue
        lines += ["", ctx.t(title) + ":"]
        lines += [f"/{r.name} — {ctx.t('cmd-' + r.name)}" for r in commands]
    if ctx.organizer is None:
        lines += ["", ctx.t("help-become-organizer")]
    lines += ["", ctx.t("help-footer")]
    return "\n".join(lines)


@router.command("lang", aliases=("язык", "language"))
async def choose_language(ctx: Context) -> None:
    wanted = ctx.args.strip().lower()
    if wanted:
        await set_language(ctx, wanted)
        return
    buttons = [
        [Button(LANGUAGE_NAMES[code], LanguageChoice(code=code).pack()) for code in LANGUAGES]
    ]
    ctx.say("lang-choose", buttons)


@router.button(LanguageChoice)
async def on_language(ctx: Context, data: LanguageChoice) -> None:
    await set_language(ctx, data.code)


async def set_language(ctx: Context, code: str) -> None:
    by_name = {name.lower(): c for c, name in LANGUAGE_NAMES.items()}
    code = by_name.get(code, code)
    if not ctx.texts.supports(code):
        ctx.say("lang-unknown", available=", ".join(LANGUAGE_NAMES.values()))
        return
    ctx.user.language = code
    ctx.say("lang-set")


@router.command("cancel", aliases=("отмена",))
async def cancel(ctx: Context) -> None:
    if ctx.dialog.active:
        await ctx.dialog.finish()
        ctx.say("cancel-done")
    else:
        ctx.say("cancel-nothing")


@router.text()
async def stray_text(ctx: Context) -> None:
    if not ctx.event.text.strip() and not ctx.event.attachments:
        ctx.say("stray-empty")
        return
    ctx.say("stray-text", help_button(ctx))
