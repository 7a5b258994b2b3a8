"""One configuration tree: a TOML file plus `LIAISON_` environment overrides.

`load_settings` picks the file (`--config`, `LIAISON_CONFIG`, `./config.toml`, else the built-in
sample), reads it and validates everything the bot will rely on, so a bad value stops start-up
with one line naming the key instead of failing later in a chat.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.settings_accounts import ChatRef, PersonRef, accounts_of, check_person, resolve
from bot.settings_web import WebSection
from bot.settings_wechat import WeChatSection

SAMPLE_CONFIG = Path(__file__).parent / "sample" / "sample.toml"
PUBLIC_BOT_API = "https://api.telegram.org"


class ConfigError(Exception):
    """A configuration problem, already phrased as one line that names the key."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(f"{key}: {problem}")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BotSection(_Section):
    language: Literal["zh", "en"] = "zh"
    timezone: str = "Asia/Shanghai"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown timezone {value!r}") from error
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class RateLimits(_Section):
    """The pace the bot keeps; the defaults are Telegram's published limits."""

    per_chat_interval_s: float = Field(1.0, ge=0)
    group_per_minute: int = Field(20, ge=1)
    global_per_second: int = Field(30, ge=1)


class TelegramSection(_Section):
    token: SecretStr | None = None
    api_base_url: str = PUBLIC_BOT_API
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0:8443"
    # Several bot processes on this host serve the same webhook port (SO_REUSEPORT); the
    # system spreads Telegram's connections among them. Needs no proxy in front.
    webhook_reuse_port: bool = False
    poll_timeout_s: int = Field(25, ge=0, le=50)
    request_timeout_s: float = Field(30, gt=0, le=300)
    limits: RateLimits = RateLimits()

    @field_validator("webhook_listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        _split_listen(value)
        return value

    @model_validator(mode="after")
    def _webhook_needs(self) -> TelegramSection:
        if self.mode == "webhook":
            if self.token is None:
                raise ValueError("token: required in webhook mode")
            if not self.webhook_url:
                raise ValueError("webhook_url: required in webhook mode")
            if self.webhook_secret is None:
                raise ValueError("webhook_secret: required in webhook mode")
        return self


class WeComLimits(_Section):
    """The pace kept in WeCom chats; the defaults are WeCom's published limits (see
    docs/platforms/wecom.md): the smart bot's active sends per conversation, and the group
    robot's messages per minute."""

    chat_per_minute: int = Field(30, ge=1)
    chat_per_hour: int = Field(1000, ge=1)
    robot_per_minute: int = Field(20, ge=1)
    # Over all WeCom conversations together (the connection's own lane).
    global_per_second: float = Field(20, gt=0)


class WeComSection(_Section):
    """The WeCom smart bot (智能机器人) over its long connection, and the group robots.

    Configured when it has a bot id and secret (the smart bot), or when a department names a
    group robot key (send-only groups need no smart bot)."""

    bot_id: str | None = None
    # The long connection's secret; LIAISON_WECOM__SECRET keeps it out of the file.
    secret: SecretStr | None = None
    # The name members @ in groups; stripped from the front of their commands.
    bot_name: str = "联络机器人"
    ws_url: str = "wss://openws.work.weixin.qq.com"
    # Where the group robot webhooks are posted (…/cgi-bin/webhook/send?key=).
    robot_base_url: str = "https://qyapi.weixin.qq.com"
    heartbeat_s: float = Field(30, gt=0, le=300)
    request_timeout_s: float = Field(10, gt=0, le=120)
    limits: WeComLimits = WeComLimits()

    @property
    def smart_bot(self) -> bool:
        return bool(self.bot_id) and self.secret is not None and bool(
            self.secret.get_secret_value())

    @model_validator(mode="after")
    def _both_or_neither(self) -> WeComSection:
        if bool(self.bot_id) != (self.secret is not None):
            raise ValueError("secret: bot_id and secret go together")
        return self


class DatabaseSection(_Section):
    url: str = "sqlite+aiosqlite:///liaison.db"
    # PostgreSQL only: connections each worker process keeps, and may add when busy.
    pool_size: int = Field(10, ge=1, le=200)
    pool_overflow: int = Field(10, ge=0, le=200)
    # PostgreSQL only: longest a statement may run (0: the server's setting) and longest a
    # new connection may take; a stuck database then shows as an error that is retried.
    statement_timeout_s: float = Field(30, ge=0)
    connect_timeout_s: float = Field(10, gt=0)

    @field_validator("url")
    @classmethod
    def _supported(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///FILE or postgresql+asyncpg://…")
        return value


class MediaSection(_Section):
    dir: Path = Path("media")


class IntakeSection(_Section):
    pair_window_minutes: int = Field(10, ge=1, le=24 * 60)
    duplicate_radius_m: float = Field(50, ge=0, le=5000)
    album_window_seconds: float = Field(2.0, gt=0, le=60)
    # New tickets one reporter may open: a steady rate per hour, and a burst at once. Beyond
    # them reports are held for the admins. 0 turns the limit off. Staff and admins are exempt.
    reporter_limit_per_hour: float = Field(20, ge=0)
    reporter_burst: int = Field(10, ge=1)
    # How long after the first piece of a report the bot waits for the rest (the location a
    # rider is about to send) before asking for it.
    grace_seconds: float = Field(20, ge=0, le=600)


class HealthSection(_Section):
    """How the bot rides out a database outage or a failing background task."""

    # Tell the admins once the database has been unreachable this long (and when it is back).
    outage_notice_after_s: float = Field(60, gt=0)
    # Whether this process sends those notices; with several workers, let one of them.
    alerts: bool = True
    # Waits between retries of a failing round: doubling from the first up to the cap.
    retry_initial_s: float = Field(0.5, gt=0)
    retry_max_s: float = Field(15, gt=0)
    # A background task that dies this often within the window ends the process (exit
    # status 70) so that systemd or Kubernetes starts it afresh.
    restart_limit: int = Field(5, ge=1)
    restart_window_s: float = Field(300, gt=0)
    # An outage longer than this ends the process too (0: never); a fresh start may connect
    # where a worn connection pool does not.
    exit_after_outage_s: float = Field(0, ge=0)


class MetricsSection(_Section):
    # /healthz, /readyz and /metrics (Prometheus) are served here; "" turns them off. The
    # same address as the webhook shares its server.
    listen: str = "127.0.0.1:9321"

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        if value:
            _split_listen(value)
        return value


class RoutingSection(_Section):
    fallback_department: str | None = None


class DigestSection(_Section):
    time: str = "08:30"
    weekly_on: Literal[
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
    ] = "monday"

    @field_validator("time")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise ValueError(f"expected HH:MM, got {value!r}")
        return value

    @property
    def at(self) -> time:
        hours, minutes = self.time.split(":")
        return time(int(hours), int(minutes))


class WorkflowSection(_Section):
    verify_hours: float = Field(48, gt=0)
    reporter_reopen_days: float = Field(7, ge=0)


class AdminsSection(_Section):
    # People: Telegram ids, addresses ("wecom:zhangsan") or names of [[people]] entries.
    user_ids: list[PersonRef] = []
    chat_id: ChatRef | None = None


class SandboxSection(_Section):
    listen: str = "127.0.0.1:8080"
    api_listen: str = "127.0.0.1:0"
    # Where the sandbox keeps its database and photos between runs (`--fresh` starts over).
    data_dir: Path = Path("liaison-sandbox")
    # The first department works in a WeCom group on a local WeCom server, shown at
    # /sandbox/wecom on the page.
    wecom: bool = False
    # A rider follows the WeChat service account on a local WeChat server; their chat with
    # it is shown at /sandbox/wechat on the page.
    wechat: bool = False

    @field_validator("listen", "api_listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        _split_listen(value)
        return value


class LoggingSection(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"


class GroupEntry(_Section):
    # A negative Telegram id, or an address ("wecom:<chatid>").
    chat_id: ChatRef
    name: str


class PersonEntry(_Section):
    """A person and their accounts; `id` (a Telegram id, or an address) is the older form."""

    id: int | str | None = None
    telegram: int | None = Field(None, gt=0)
    wechat: str | None = Field(None, pattern=r"^\S+$")
    wecom: str | None = Field(None, pattern=r"^\S+$")
    feishu: str | None = Field(None, pattern=r"^\S+$")
    name: str

    @model_validator(mode="after")
    def _has_accounts(self) -> PersonEntry:
        return check_person(self)

    @property
    def accounts(self) -> list[str]:
        return accounts_of(self)


class DepartmentEntry(_Section):
    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    name: str
    name_en: str = ""
    kind: Literal["department", "volunteer"] = "department"
    chat_id: ChatRef | None = None
    # People: Telegram ids, addresses or names of [[people]] entries (all their accounts).
    staff: list[PersonRef] = []
    backup_staff: list[PersonRef] = []
    supervisors: list[PersonRef] = []
    categories: list[str] = []
    area: Path | None = None
    # What the area file's coordinates were drawn in: GCJ-02 for outlines traced on a map of
    # mainland China (Amap, Tencent), shifted to WGS-84 when read.
    area_datum: Literal["wgs84", "gcj02"] = "wgs84"
    # A WeCom group robot's key: the department's group gets the bot's messages through
    # that robot (send-only; staff act through ticket page links) instead of the smart bot.
    wecom_webhook_key: SecretStr | None = None

    @property
    def members(self) -> frozenset[str]:
        return frozenset((*self.staff, *self.backup_staff, *self.supervisors))


class CategoryEntry(_Section):
    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    name: str
    name_en: str
    keywords: list[str] = []
    ack_minutes: int = Field(60, ge=1)
    resolve_hours: float = Field(168, gt=0)


# Given when the configuration has no "other" category: reports that match no keyword get it
# and, unless a department takes it, go to the fallback department.
OTHER = CategoryEntry(id="other", name="其他", name_en="Other")


class PlaceEntry(_Section):
    """A named spot riders know (a warm station, a gate); offered when picking a location,
    and matched against the text of reports where the platform cannot send a location."""

    name: str
    name_en: str = ""
    # Other ways people write it (「东湖驿站」, "Donghu station").
    aliases: list[str] = []
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    # What the coordinates were read off (see `StationEntry.datum`).
    datum: Literal["wgs84", "gcj02"] = "wgs84"
    kind: str = "place"


class StationEntry(_Section):
    """A warm station (暖心驿站) riders can find with /stations."""

    name: str = Field(min_length=1)
    name_en: str = ""
    address: str = ""
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    # What the coordinates were read off: GPS and foreign maps give WGS-84, maps in mainland
    # China (Amap, Tencent, Baidu's GCJ mode) give GCJ-02.
    datum: Literal["wgs84", "gcj02"] = "wgs84"
    facilities: list[str] = []
    hours: str = "24h"
    contact: str = ""

    @field_validator("facilities")
    @classmethod
    def _known_facilities(cls, value: list[str]) -> list[str]:
        from handlers.stations.vocabulary import facility_id

        found = []
        for given in value:
            known = facility_id(given)
            if known is None:
                raise ValueError(f"unknown facility {given!r}")
            if known not in found:
                found.append(known)
        return found

    @field_validator("hours")
    @classmethod
    def _readable_hours(cls, value: str) -> str:
        from domain.opening_hours import HoursError, OpeningHours

        try:
            OpeningHours.parse(value)
        except HoursError as error:
            raise ValueError(str(error)) from None
        return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="LIAISON_",
        env_nested_delimiter="__",
        extra="forbid",
        nested_model_default_partial_update=True,
    )

    bot: BotSection = BotSection()
    telegram: TelegramSection = TelegramSection()
    wechat: WeChatSection = WeChatSection()
    wecom: WeComSection = WeComSection()
    database: DatabaseSection = DatabaseSection()
    media: MediaSection = MediaSection()
    intake: IntakeSection = IntakeSection()
    routing: RoutingSection = RoutingSection()
    digest: DigestSection = DigestSection()
    workflow: WorkflowSection = WorkflowSection()
    health: HealthSection = HealthSection()
    metrics: MetricsSection = MetricsSection()
    admins: AdminsSection = AdminsSection()
    sandbox: SandboxSection = SandboxSection()
    logging: LoggingSection = LoggingSection()
    web: WebSection = WebSection()
    groups: list[GroupEntry] = []
    people: list[PersonEntry] = []
    departments: list[DepartmentEntry] = []
    categories: list[CategoryEntry] = []
    places: list[PlaceEntry] = []
    stations: list[StationEntry] = []
    # Where the file came from: relative area paths are read from its folder.
    source: Path | None = Field(default=None, exclude=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The file's values arrive as init values; the environment overrides them.
        return (env_settings, init_settings)

    @model_validator(mode="after")
    def _cross_references(self) -> Settings:
        if all(c.id != OTHER.id for c in self.categories):
            # Reports that match no keyword need somewhere to go.
            self.categories = [*self.categories, OTHER.model_copy()]
        category_ids = [c.id for c in self.categories]
        _unique(category_ids, "categories", "id")
        _unique([d.id for d in self.departments], "departments", "id")
        _unique([g.chat_id for g in self.groups], "groups", "chat_id")
        self._resolve_people()
        known = set(category_ids)
        for index, department in enumerate(self.departments):
            for category in department.categories:
                if category not in known:
                    raise ValueError(
                        f"departments[{index}].categories: unknown category {category!r}"
                    )
        for index, department in enumerate(self.departments):
            if department.wecom_webhook_key is not None and not str(
                    department.chat_id or "").startswith("wecom:"):
                raise ValueError(f"departments[{index}].chat_id: a group robot posts to a "
                                 f"WeCom group; write chat_id = \"wecom:<chatid>\"")
        fallback = self.routing.fallback_department
        if fallback and fallback not in {d.id for d in self.departments}:
            raise ValueError(f"routing.fallback_department: unknown department {fallback!r}")
        return self

    def _resolve_people(self) -> None:
        """Each account belongs to one person; names in the lists become their accounts."""
        owners: dict[str, int] = {}
        by_name: dict[str, list[str]] = {}
        for index, person in enumerate(self.people):
            for found in person.accounts:
                if found in owners:
                    raise ValueError(f"people[{index}]: duplicate account {found!r} (also "
                                     f"people[{owners[found]}])")
                owners[found] = index
            by_name.setdefault(person.name, []).extend(person.accounts)
        self.admins.user_ids = resolve(self.admins.user_ids, by_name, "admins.user_ids")
        for index, department in enumerate(self.departments):
            for key in ("staff", "backup_staff", "supervisors"):
                setattr(department, key, resolve(getattr(department, key), by_name,
                                                 f"departments[{index}].{key}"))

    # -- lookups used across the app ---------------------------------------------------

    def category(self, category_id: str) -> CategoryEntry | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def department(self, department_id: str | None) -> DepartmentEntry | None:
        return next((d for d in self.departments if d.id == department_id), None)

    def area_path(self, department: DepartmentEntry) -> Path | None:
        if department.area is None:
            return None
        if department.area.is_absolute() or self.source is None:
            return department.area
        return self.source.parent / department.area

    @property
    def has_wechat(self) -> bool:
        """The service account's section names an account to serve."""
        return self.wechat.configured

    @property
    def has_wecom(self) -> bool:
        """The smart bot, or at least one department's group robot, is configured."""
        return self.wecom.smart_bot or any(
            d.wecom_webhook_key is not None for d in self.departments)

    @property
    def has_token(self) -> bool:
        return self.telegram.token is not None and bool(self.telegram.token.get_secret_value())

    @property
    def serves_a_platform(self) -> bool:
        """Some real platform is configured; with none, `run` starts the sandbox."""
        return self.has_token or self.has_wechat or self.has_wecom


def config_path(explicit: str | os.PathLike[str] | None) -> Path:
    """Which file to read: the flag, then LIAISON_CONFIG, then ./config.toml, else the sample."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get("LIAISON_CONFIG")
    if from_env:
        return Path(from_env)
    local = Path("config.toml")
    return local if local.exists() else SAMPLE_CONFIG


def load_settings(explicit: str | os.PathLike[str] | None = None,
                  check_areas: bool = True) -> Settings:
    """Read and validate the configuration; raise `ConfigError` with a one-line message."""
    path = config_path(explicit)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigError("--config", f"no such file {str(path)!r}") from error
    except OSError as error:
        raise ConfigError("--config", f"cannot read {str(path)!r}: {error.strerror}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(path), f"not valid TOML: {error}") from error
    try:
        settings = Settings(**raw, source=path.resolve())
    except ValidationError as error:
        raise _first_problem(error) from None
    if check_areas:
        _check_area_files(settings)
    return settings


def _check_area_files(settings: Settings) -> None:
    from handlers.routing.areas import AreaFileError, load_area

    for index, department in enumerate(settings.departments):
        path = settings.area_path(department)
        if path is None:
            continue
        try:
            load_area(path)
        except AreaFileError as error:
            raise ConfigError(f"departments[{index}].area", str(error)) from None


def _first_problem(error: ValidationError) -> ConfigError:
    problem = error.errors()[0]
    location = _dotted(problem["loc"])
    message = str(problem["msg"]).removeprefix("Value error, ")
    # Cross-reference checks name their own key at the start of the message.
    if ": " in message and not location:
        key, _, rest = message.partition(": ")
        return ConfigError(key, rest)
    if ": " in message and message.split(": ", 1)[0].isidentifier():
        key, _, rest = message.partition(": ")
        return ConfigError(f"{location}.{key}" if location else key, rest)
    return ConfigError(location or "config", _explain(problem, message))


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif "[" in str(part) or "function-after" in str(part):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def _explain(problem: Any, message: str) -> str:
    given = problem.get("input")
    if problem.get("type") == "missing":
        return "required"
    if isinstance(given, (str, int, float)) and repr(given) not in message:
        return f"{message} (got {given!r})"
    return message


def _unique(values: list[Any], section: str, key: str) -> None:
    seen: set[Any] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise ValueError(f"{section}[{index}].{key}: duplicate {value!r}")
        seen.add(value)


def _split_listen(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) < 65536:
        raise ValueError(f"expected HOST:PORT, got {value!r}")
    return host or "0.0.0.0", int(port)


def split_listen(value: str) -> tuple[str, int]:
    """`host:port` → (host, port); already validated by the settings."""
    return _split_listen(value)
