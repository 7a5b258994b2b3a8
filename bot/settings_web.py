"""The `[web]` section: the staff console, the public map and the Open311 API.

The web app is served only when `listen` is set. Every key is documented in
`config.example.toml` and the README.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from bot.settings_accounts import ChatRef


class WebSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # HOST:PORT the web app listens on (shared with any other part configured on it).
    listen: str | None = None
    # The address people open, used in sign-in links and in links from chats; when empty it
    # is http://<listen> (0.0.0.0 shown as 127.0.0.1).
    base_url: str = ""
    # The public map and its ticket pages (never a reporter's name, id or phone number).
    public: bool = False
    # Whether the public pages show the tickets' photos.
    public_photos: bool = False
    # A map tile URL template ({z}/{x}/{y}, optionally {s}); empty: areas and markers on a
    # plain background, which is all a closed network may offer.
    tiles_url: str = ""
    tiles_attribution: str = ""
    tiles_subdomains: str = "abc"
    # Open311 GeoReport v2 under /open311/v2/ (GET needs no key; POST needs one of api_keys).
    open311: bool = False
    api_keys: list[SecretStr] = []
    # The chat that carries the card of a request filed through Open311 (its "group"): by
    # default the admins' chat.
    open311_chat_id: ChatRef | None = None
    # How long a web session lasts after signing in.
    session_hours: float = Field(12, gt=0, le=24 * 30)

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from bot.settings import split_listen

        try:
            split_listen(value)
        except ValueError as error:
            raise ValueError(str(error)) from None
        return value

    @field_validator("base_url", "tiles_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError(f"expected an http:// or https:// URL, got {value!r}")
        return value.rstrip("/") if value else value

    @model_validator(mode="after")
    def _address_known(self) -> WebSection:
        if self.listen and not self.base_url and self.listen.rsplit(":", 1)[-1] == "0":
            raise ValueError("base_url: required when listen picks a free port (:0)")
        return self

    @property
    def enabled(self) -> bool:
        return bool(self.listen)

    @property
    def link_base(self) -> str:
        """Where people reach the app: base_url, else the listening address."""
        if self.base_url:
            return self.base_url
        host, _, port = (self.listen or "127.0.0.1:80").rpartition(":")
        if host in ("", "0.0.0.0", "::", "[::]"):
            host = "127.0.0.1"
        return f"http://{host}:{port}"

    @property
    def secure_cookies(self) -> bool:
        return self.link_base.startswith("https://")

    def accepts_key(self, key: str) -> bool:
        import hmac

        given = key.encode()
        # Compare with every key, so the time taken says nothing about which one matched.
        found = False
        for secret in self.api_keys:
            value = secret.get_secret_value().encode()
            found |= bool(value) and hmac.compare_digest(value, given)
        return found
