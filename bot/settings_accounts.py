"""How the configuration names people and chats on each platform.

A chat or a person ends up as an address (`domain.identity`). The file may write:
- a bare integer: a Telegram id, as every file did before other platforms existed
  (a group's id is negative);
- an address string: "wecom:zhangsan", "wechat:oAbc…", "feishu:oc_…", "telegram:-100…";
- where a person is meant (staff lists, admins): the name of a `[[people]]` entry, which stands
  for all of that person's accounts.
A `[[people]]` entry lists a person's accounts: `telegram = 123`, `wechat = "o…"`,
`wecom = "zhangsan"`, `feishu = "ou_…"`; `id = 123` is today's form of `telegram = 123`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator

from domain.identity import FEISHU, PLATFORMS, TELEGRAM, WECHAT, WECOM, BadAddress, account
from domain.identity import address as make_address


def _checked(value: str | int) -> str:
    """`account(value)`, with a platform the deployment does not know named as such."""
    if isinstance(value, str) and ":" in value:
        platform = value.strip().partition(":")[0]
        if platform not in PLATFORMS:
            raise BadAddress(f"unknown platform {platform!r} in {value!r}")
    return account(value)


def _chat(value: Any) -> str:
    """A group chat: a negative Telegram integer or an address."""
    if isinstance(value, bool):
        raise ValueError(f"not a chat: {value!r}")
    if isinstance(value, int):
        if value >= 0:
            raise ValueError("Telegram group chat ids are negative")
        return account(value)
    if not isinstance(value, str):
        raise ValueError(f"not a chat: {value!r}")
    try:
        return _address_only(value)
    except BadAddress as error:
        raise ValueError(f"{error}; write a Telegram id as a number, other chats as "
                         f"\"<platform>:<id>\" ({', '.join(PLATFORMS)})") from None


def _address_only(value: str) -> str:
    """An address written out in full ("wecom:chatid"); bare digits are a Telegram id."""
    text = value.strip()
    if text.lstrip("-").isdigit():
        return account(text)
    if ":" not in text:
        raise BadAddress(f"not an address: {value!r}")
    return _checked(text)


def _person_ref(value: Any) -> str:
    """A person: a Telegram integer, an address, or the name of a `[[people]]` entry (kept as
    given and resolved once all people are known)."""
    if isinstance(value, bool):
        raise ValueError(f"not a person: {value!r}")
    if isinstance(value, int):
        if value <= 0:
            raise ValueError("Telegram user ids are positive")
        return account(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"not a person: {value!r}")
    text = value.strip()
    if ":" in text or text.lstrip("-").isdigit():
        try:
            return _checked(text)
        except BadAddress as error:
            raise ValueError(f"{error}; known platforms: {', '.join(PLATFORMS)}") from None
    return NAME_PREFIX + text


# A person named rather than addressed, until the names are resolved (never an address: no
# platform is called this).
NAME_PREFIX = "name="

ChatRef = Annotated[str, BeforeValidator(_chat)]
PersonRef = Annotated[str, BeforeValidator(_person_ref)]


def is_name(ref: str) -> bool:
    return ref.startswith(NAME_PREFIX)


def accounts_of(entry: Any) -> list[str]:
    """The addresses of a `[[people]]` entry's accounts, in the order written."""
    found: list[str] = []
    if entry.id is not None:
        found.append(account(entry.id))
    if entry.telegram is not None:
        found.append(make_address(TELEGRAM, entry.telegram))
    for platform in (WECHAT, WECOM, FEISHU):
        native = getattr(entry, platform)
        if native is not None:
            found.append(make_address(platform, native))
    return list(dict.fromkeys(found))


def check_person(entry: Any) -> Any:
    """At least one account, each well formed; `id` and `telegram` name the same one."""
    if entry.id is not None:
        if isinstance(entry.id, bool):
            raise ValueError("id: not an account")
        if isinstance(entry.id, int) and entry.id <= 0:
            raise ValueError("id: Telegram user ids are positive")
        try:
            _checked(entry.id)
        except BadAddress as error:
            raise ValueError(f"id: {error}") from None
    if entry.telegram is not None and entry.id is not None and account(entry.id) != account(
            entry.telegram):
        raise ValueError("telegram: differs from id (both name the Telegram account)")
    if not accounts_of(entry):
        raise ValueError("id: a person needs at least one account (telegram, wechat, wecom "
                         "or feishu)")
    return entry



def resolve(refs: list[str], people: dict[str, list[str]], where: str) -> list[str]:
    """Person references → addresses: a name stands for all of that person's accounts."""
    out: list[str] = []
    for index, ref in enumerate(refs):
        if is_name(ref):
            name = ref.removeprefix(NAME_PREFIX)
            if name not in people:
                raise ValueError(f"{where}[{index}]: no [[people]] entry named {name!r} (and "
                                 f"not an account: write \"<platform>:<id>\" or a number)")
            out.extend(people[name])
        else:
            out.append(ref)
    return list(dict.fromkeys(out))


def chats_of(settings: Any) -> list[tuple[str, str]]:
    """Every chat the configuration names, as (key, address)."""
    found = [(f"groups[{i}].chat_id", g.chat_id) for i, g in enumerate(settings.groups)]
    found += [(f"departments[{i}].chat_id", d.chat_id)
              for i, d in enumerate(settings.departments) if d.chat_id is not None]
    if settings.admins.chat_id is not None:
        found.append(("admins.chat_id", settings.admins.chat_id))
    if settings.web.open311_chat_id is not None:
        found.append(("web.open311_chat_id", settings.web.open311_chat_id))
    return found


def accounts_in(settings: Any) -> list[str]:
    """Every person's account the configuration names, each once."""
    found = [a for person in settings.people for a in person.accounts]
    found += settings.admins.user_ids
    for department in settings.departments:
        found += [*department.staff, *department.backup_staff, *department.supervisors]
    return list(dict.fromkeys(found))


def configured_platforms(settings: Any) -> list[str]:
    """The platforms this configuration switches on, each by its section
    (`Settings.has_<platform>`). With none, `run` starts the sandbox, which plays Telegram."""
    found = [p for p in PLATFORMS
             if getattr(settings, "has_token" if p == TELEGRAM else f"has_{p}", False)]
    return found or [TELEGRAM]
