"""The `[wechat]` section: the service account the riders follow.

The AppSecret, the Token and the EncodingAESKey are secrets: from the file or the environment
(`LIAISON_WECHAT__APP_SECRET`, `LIAISON_WECHAT__TOKEN`, `LIAISON_WECHAT__ENCODING_AES_KEY`),
kept as `SecretStr` so no log line or repr shows them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

PRODUCTION_API = "https://api.weixin.qq.com"


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MenuButton(_Part):
    """A click button of the account's menu: pressing it runs the bot's command."""

    name: str = Field(min_length=1, max_length=16)
    key: str = Field(pattern=r"^[A-Za-z0-9_]{1,128}$")
    # The command it stands for ("start", "mine", "stations"); "" for a key the bot ignores.
    command: str = Field("", pattern=r"^[a-z_]*$")


DEFAULT_MENU = [
    MenuButton(name="报告问题", key="REPORT", command="start"),
    MenuButton(name="我的工单", key="MY_TICKETS", command="mine"),
    MenuButton(name="附近驿站", key="STATIONS", command="stations"),
]


class TemplateField(_Part):
    """One key of the template and what fills it: the ticket's number, the message's words
    (several text keys share the first line, split where it pauses), or the time sent."""

    key: str = Field(pattern=r"^[A-Za-z0-9_]+$")
    value: Literal["ticket", "text", "time"]
    # WeChat cuts "thing" values past 20 characters, "character_string" past 32.
    limit: int = Field(20, ge=1, le=200)


DEFAULT_TEMPLATE_FIELDS = [
    TemplateField(key="character_string1", value="ticket", limit=32),
    TemplateField(key="thing2", value="text"),
    TemplateField(key="thing3", value="text"),
    TemplateField(key="time4", value="time"),
]


class TemplateSection(_Part):
    """The template message used once customer-service messages may no longer go (more than
    48 h after the follower's last message, or 5 sent since). Since May 2023 WeChat shows no
    `first`/`remark`: what matters goes into the template's own keys, named here."""

    id: str = ""
    fields: list[TemplateField] = Field(default_factory=lambda: list(DEFAULT_TEMPLATE_FIELDS))


class WeChatSection(_Part):
    app_id: str | None = Field(None, pattern=r"^\S+$")
    app_secret: SecretStr | None = None
    # The callback's Token and EncodingAESKey, as typed into 消息与事件推送.
    token: SecretStr | None = None
    encoding_aes_key: SecretStr | None = None
    # Safe mode (安全模式): pushes must be encrypted; plaintext ones are refused.
    safe_mode: bool = True
    api_base_url: str = PRODUCTION_API
    # The bot's HTTP listener the callback is on, and its path (the URL's path at WeChat).
    listen: str = "0.0.0.0:8080"
    path: str = Field("/wechat", pattern=r"^/\S*$")
    request_timeout_s: float = Field(10, gt=0, le=120)
    # Seconds between two messages to one follower, and between any two sends.
    per_user_interval_s: float = Field(0.2, ge=0)
    global_per_second: int = Field(50, ge=1)
    template: TemplateSection = TemplateSection()
    menu: list[MenuButton] = Field(default_factory=lambda: list(DEFAULT_MENU))

    @field_validator("encoding_aes_key")
    @classmethod
    def _aes_key_length(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) != 43:
            raise ValueError("the EncodingAESKey has 43 characters")
        return value

    @model_validator(mode="after")
    def _complete(self) -> WeChatSection:
        if self.app_id is None:
            return self
        missing = [name for name in ("app_secret", "token", "encoding_aes_key")
                   if getattr(self, name) is None]
        if missing:
            raise ValueError(f"{', '.join(missing)}: required with app_id")
        return self

    @property
    def configured(self) -> bool:
        return self.app_id is not None
