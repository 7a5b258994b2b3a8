"""Who and where, on any platform: an address is the platform's name and its own id.

A chat or a person is known as ``"<platform>:<native id>"`` (``telegram:-1001234``,
``wechat:oAbc…``, ``wecom:zhangsan``, ``feishu:oc_…``). The native part is whatever the platform
uses, kept as text: Telegram's integers, WeChat openids, WeCom userids, Feishu ``oc_``/``ou_`` ids.
Addresses are compared as strings, stored as strings and never parsed outside this module.
"""

from __future__ import annotations

from typing import Final

TELEGRAM: Final = "telegram"
WECHAT: Final = "wechat"
WECOM: Final = "wecom"
FEISHU: Final = "feishu"
PLATFORMS: Final = (TELEGRAM, WECHAT, WECOM, FEISHU)

_SEP: Final = ":"


class BadAddress(ValueError):
    """Text that does not name a platform this deployment knows, or has no id after it."""


def address(platform: str, native: str | int) -> str:
    """The address of `native` on `platform`."""
    if platform not in PLATFORMS:
        raise BadAddress(f"unknown platform {platform!r}")
    text = str(native).strip()
    if not text:
        raise BadAddress(f"empty {platform} id")
    return f"{platform}{_SEP}{text}"


def split(value: str) -> tuple[str, str]:
    """(platform, native id) of an address."""
    platform, sep, native = value.partition(_SEP)
    if not sep or platform not in PLATFORMS or not native:
        raise BadAddress(f"not an address: {value!r}")
    return platform, native


def is_address(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        split(value)
    except BadAddress:
        return False
    return True


def platform_of(value: str) -> str:
    return split(value)[0]


def native_of(value: str) -> str:
    return split(value)[1]


def account(value: str | int) -> str:
    """An account as a configuration file or an old database names it: a bare integer (or its
    digits) is a Telegram id, as every file written before other platforms existed meant."""
    if isinstance(value, bool):
        raise BadAddress(f"not an account: {value!r}")
    if isinstance(value, int):
        return address(TELEGRAM, value)
    text = value.strip()
    if text.lstrip("-").isdigit():
        return address(TELEGRAM, int(text))
    split(text)
    return text


def short(value: str) -> str:
    """The native id alone, for a log line or a person's name when nothing better is known."""
    try:
        return native_of(value)
    except BadAddress:
        return value
