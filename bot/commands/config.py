"""`liaison-bot config check [FILE]`: validate a configuration and summarise it."""

from __future__ import annotations

import argparse
from typing import Any

from bot.settings import Settings, load_settings
from bot.settings_accounts import accounts_in, chats_of, configured_platforms
from domain.identity import PLATFORMS, platform_of


def register(sub: Any) -> None:
    config = sub.add_parser("config", help="work with the configuration file")
    actions = config.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate a configuration and print a summary",
                               description="Validate a configuration file (default: the one "
                                           "the bot would use) and print what it configures.")
    check.add_argument("file", nargs="?", help="the file to check")
    check.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    settings = load_settings(args.file or args.config)
    print(summary(settings))
    for line in warnings(settings):
        print(f"warning: {line}")
    return 0


def summary(settings: Settings) -> str:
    lang = settings.bot.language
    lines = [
        f"config OK: {settings.source}",
        f"  language {lang}, timezone {settings.bot.timezone}, digest at {settings.digest.time}",
        f"  telegram: {_telegram(settings)}",
        f"  platforms: {_platforms(settings)}",
        f"  database: {settings.database.url.split('://', 1)[0]}",
        f"  web: {_web(settings)}",
        f"  groups ({len(settings.groups)}): "
        + ", ".join(f"{g.name} [{g.chat_id}]" for g in settings.groups),
        f"  departments ({len(settings.departments)}):",
    ]
    for d in settings.departments:
        people = len(d.staff) + len(d.backup_staff) + len(d.supervisors)
        area = f", area {d.area}" if d.area else ""
        lines.append(f"    {d.id}: {d.name} ({d.kind}) — {', '.join(d.categories) or '-'}; "
                     f"{people} people{area}")
    lines.append(f"  categories ({len(settings.categories)}): "
                 + ", ".join(f"{c.id} ({c.ack_minutes} min / {c.resolve_hours:g} h)"
                             for c in settings.categories))
    if settings.stations:
        lines.append(f"  stations ({len(settings.stations)}): "
                     + ", ".join(f"{s.name} ({s.hours})" for s in settings.stations))
    if settings.routing.fallback_department:
        lines.append(f"  fallback department: {settings.routing.fallback_department}")
    return "\n".join(lines)


def _platforms(settings: Settings) -> str:
    """Which platforms are on, and how many people's accounts and chats each has."""
    configured = configured_platforms(settings)
    accounts = [platform_of(a) for a in accounts_in(settings)]
    chats = [platform_of(c) for c in dict.fromkeys(c for _, c in chats_of(settings))]
    parts = []
    for platform in PLATFORMS:
        people, rooms = accounts.count(platform), chats.count(platform)
        if platform not in configured and not people and not rooms:
            continue
        state = "configured" if platform in configured else "not configured"
        parts.append(f"{platform} ({state}): {people} accounts, {rooms} chats")
    return "; ".join(parts)


def warnings(settings: Settings) -> list[str]:
    """What loads but cannot work: a chat on a platform without a section of its own."""
    configured = configured_platforms(settings)
    found = []
    for key, chat in chats_of(settings):
        platform = platform_of(chat)
        if platform not in configured:
            found.append(f"{key}: {chat} is on {platform}, which is not configured "
                         f"(no [{platform}] section); nothing will reach this chat")
    return found


def _telegram(settings: Settings) -> str:
    if not settings.has_token:
        return "no token" if settings.serves_a_platform else "no token (run starts the sandbox)"
    return f"{settings.telegram.mode} via {settings.telegram.api_base_url}"


def _web(settings: Settings) -> str:
    web = settings.web
    if not web.enabled:
        return "off"
    parts = [f"console at {web.link_base}/web/"]
    if web.public:
        parts.append("public map" + (" with photos" if web.public_photos else ""))
    if web.open311:
        parts.append(f"open311 ({len(web.api_keys)} API keys)")
    return ", ".join(parts)
