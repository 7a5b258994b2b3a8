"""platform identities: chats and people as addresses, message ids as text

Every chat and person id was a Telegram integer; it becomes its address, "telegram:<n>"
(domain.identity), so that WeChat openids, WeCom userids and Feishu ids fit beside it. Message
ids become text (other platforms' are strings; Telegram's stay digits). Ids inside stored JSON
(outbox payloads, ticket events, reports in the making, queued internal events) and inside the
names messages are remembered by ("announce:<chat>:<n>", "verify:<n>:<round>:<user>",
"msg:<chat>:<id>") and in the keys of once-a-day runs ("digest:<date>:<chat>") are carried over
the same way, so pending work goes on where it stopped and nothing done today is done again.
APScheduler's stored jobs hold only job names and times, no ids: nothing to carry there.

Two integers were never Telegram ids: 0 as a person is the Open311 API's reporter ("open311"),
0 as a chat is no chat (button answers, the shared pacing lane: "").

The downgrade turns Telegram addresses back into integers; it refuses while any id of another
platform is stored, since an integer column cannot hold it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Frozen here, as the models had them when this revision was written.
ADDRESS = sa.String(length=128)
MESSAGE_ID = sa.String(length=128)
NAME = sa.String(length=255)
OLD_NAME = sa.String(length=96)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
OPEN_TICKETS = (
    "status IN ('acknowledged', 'assigned', 'in_progress', 'new', 'reopened', 'transferred')"
)
TELEGRAM = "telegram:"
OPEN311 = "open311"
NO_CHAT = ""

# table → (person columns, chat columns, message id columns)
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "tickets": (("reporter_id", "assignee_id"), ("chat_id",), ("message_id",)),
    "ticket_events": (("actor_id",), (), ()),
    "ticket_photos": (("added_by",), (), ()),
    "ticket_followers": (("user_id",), ("chat_id",), ("message_id",)),
    "pending_reports": (("user_id",), ("chat_id",), ("first_message_id",)),
    "inbox": ((), ("chat_id",), ("message_id",)),
    "outbox": ((), ("chat_id",), ("message_id",)),
    "message_refs": ((), ("chat_id",), ("message_id",)),
    "chat_lanes": ((), ("chat_id",), ()),
    "users": (("user_id",), (), ()),
}
# Names that grow with an address in them.
NAME_COLUMNS = (("outbox", "ref"), ("message_refs", "ref"), ("inbox", "dedup_key"))
WEB_PEOPLE = ("web_links", "web_sessions")
BATCH = 500


def upgrade() -> None:
    _refuse_cascades()
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        # Recreating the table would carry the index over without its condition.
        op.drop_index("ix_tickets_open_nearby", table_name="tickets")
    for table, (people, chats, messages) in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in (*people, *chats):
                batch.alter_column(column, type_=ADDRESS, existing_type=sa.BigInteger(),
                                   postgresql_using=f"{column}::varchar(128)")
            for column in messages:
                batch.alter_column(column, type_=MESSAGE_ID, existing_type=sa.BigInteger(),
                                   postgresql_using=f"{column}::varchar(128)")
            for name_table, column in NAME_COLUMNS:
                if name_table == table:
                    batch.alter_column(column, type_=NAME, existing_type=OLD_NAME)
    if sqlite:
        _open_nearby_index()
    for table, (people, chats, _messages) in COLUMNS.items():
        for column in people:
            _sql(f"UPDATE {table} SET {column} = :open311 WHERE {column} = '0'",
                 open311=OPEN311)
            _sql(f"UPDATE {table} SET {column} = :prefix || {column} "
                 f"WHERE {column} IS NOT NULL AND {column} <> :open311",
                 prefix=TELEGRAM, open311=OPEN311)
        for column in chats:
            _sql(f"UPDATE {table} SET {column} = :none WHERE {column} = '0'", none=NO_CHAT)
            _sql(f"UPDATE {table} SET {column} = :prefix || {column} "
                 f"WHERE {column} IS NOT NULL AND {column} <> :none",
                 prefix=TELEGRAM, none=NO_CHAT)
    for table in WEB_PEOPLE:
        _sql(f"UPDATE {table} SET person_id = :prefix || person_id "
             "WHERE person_id NOT LIKE '%:%'", prefix=TELEGRAM)
    _rewrite_refs(_ref_up)
    _rewrite_json(_up)


def downgrade() -> None:
    _refuse_cascades()
    _refuse_other_platforms()
    _rewrite_json(_down)
    _rewrite_refs(_ref_down)
    for table in WEB_PEOPLE:
        _sql(f"UPDATE {table} SET person_id = substr(person_id, {len(TELEGRAM) + 1}) "
             f"WHERE person_id LIKE '{TELEGRAM}%'")
    for table, (people, chats, _messages) in COLUMNS.items():
        for column in (*people, *chats):
            _sql(f"UPDATE {table} SET {column} = '0' WHERE {column} IN (:open311, :none)",
                 open311=OPEN311, none=NO_CHAT)
            _sql(f"UPDATE {table} SET {column} = substr({column}, {len(TELEGRAM) + 1}) "
                 f"WHERE {column} LIKE '{TELEGRAM}%'")
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.drop_index("ix_tickets_open_nearby", table_name="tickets")
    for table, (people, chats, messages) in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in (*people, *chats, *messages):
                batch.alter_column(column, type_=sa.BigInteger(), existing_type=ADDRESS,
                                   postgresql_using=f"{column}::bigint")
            for name_table, column in NAME_COLUMNS:
                if name_table == table:
                    batch.alter_column(column, type_=OLD_NAME, existing_type=NAME)
    if sqlite:
        _open_nearby_index()


# -- checks --------------------------------------------------------------------------------


def _refuse_cascades() -> None:
    """SQLite recreates a table to change a column; with foreign keys enforced, dropping the
    old tickets table would delete every event and photo of every ticket."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("run this migration with foreign keys off (liaison-bot db upgrade)")


def _refuse_other_platforms() -> None:
    bind = op.get_bind()
    for table, (people, chats, messages) in COLUMNS.items():
        for column in (*people, *chats):
            found = bind.execute(sa.text(
                f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL "
                f"AND {column} NOT LIKE '{TELEGRAM}%' AND {column} NOT IN (:open311, :none) "
                "LIMIT 1"), {"open311": OPEN311, "none": NO_CHAT}).scalar()
            if found is not None:
                raise RuntimeError(f"cannot downgrade: {table}.{column} holds {found!r}, "
                                   "which is not a Telegram id")
        for column in messages:
            for (value,) in bind.execute(sa.text(
                    f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")):
                if not _digits(value):
                    raise RuntimeError(f"cannot downgrade: {table}.{column} holds {value!r}, "
                                       "which is not a Telegram message id")


# -- plain columns -------------------------------------------------------------------------


def _sql(statement: str, **params: Any) -> None:
    op.get_bind().execute(sa.text(statement), params)


def _open_nearby_index() -> None:
    op.create_index("ix_tickets_open_nearby", "tickets", ["category_id", "cell"],
                    postgresql_where=sa.text(OPEN_TICKETS), sqlite_where=sa.text(OPEN_TICKETS))


def _digits(value: Any) -> bool:
    text = str(value)
    body = text[1:] if text.startswith("-") else text
    return body.isascii() and body.isdigit()


# -- names of remembered messages ------------------------------------------------------------

_REFS_UP = (
    (re.compile(r"^(announce|announce-photo):(-?\d+):(\d+)$"), r"\1:telegram:\2:\3"),
    (re.compile(r"^(verify|verify-photo):(\d+):(\d+):(-?\d+)$"), r"\1:\2:\3:telegram:\4"),
    (re.compile(r"^msg:(-?\d+):(\d+)$"), r"msg:telegram:\1:\2"),
    (re.compile(r"^digest:(\d{4}-\d{2}-\d{2}):(-?\d+)$"), r"digest:\1:telegram:\2"),
)
_REFS_DOWN = (
    (re.compile(r"^(announce|announce-photo):telegram:(-?\d+):(\d+)$"), r"\1:\2:\3"),
    (re.compile(r"^(verify|verify-photo):(\d+):(\d+):telegram:(-?\d+)$"), r"\1:\2:\3:\4"),
    (re.compile(r"^msg:telegram:(-?\d+):(\d+)$"), r"msg:\1:\2"),
    (re.compile(r"^digest:(\d{4}-\d{2}-\d{2}):telegram:(-?\d+)$"), r"digest:\1:\2"),
)


def _ref_up(ref: str | None) -> str | None:
    return _ref_with(_REFS_UP, ref)


def _ref_down(ref: str | None) -> str | None:
    return _ref_with(_REFS_DOWN, ref)


def _ref_with(rules: Any, ref: str | None) -> str | None:
    if ref is None:
        return None
    for pattern, replacement in rules:
        if pattern.match(ref):
            return pattern.sub(replacement, ref)
    return ref


def _rewrite_refs(change: Callable[[str | None], str | None]) -> None:
    bind = op.get_bind()
    for table, column in (("message_refs", "ref"), ("job_runs", "key")):
        names = sa.table(table, sa.column(column, NAME))
        for (ref,) in bind.execute(sa.select(names.c[column])).all():
            new = change(ref)
            if new != ref:
                bind.execute(sa.update(names).where(names.c[column] == ref)
                             .values({column: new}))


# -- ids inside JSON -------------------------------------------------------------------------


class _Ids:
    """How one direction turns an id: person, chat, message."""

    def __init__(self, person: Callable[[Any], Any], chat: Callable[[Any], Any],
                 message: Callable[[Any], Any], ref: Callable[[str | None], str | None]) -> None:
        self.person, self.chat, self.message, self.ref = person, chat, message, ref


def _person_up(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return OPEN311 if value == 0 else f"{TELEGRAM}{value}"
    return value


def _chat_up(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return NO_CHAT if value == 0 else f"{TELEGRAM}{value}"
    return value


def _message_up(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _id_down(value: Any) -> Any:
    if value in (OPEN311, NO_CHAT):
        return 0
    if isinstance(value, str) and value.startswith(TELEGRAM) and _digits(value[len(TELEGRAM):]):
        return int(value[len(TELEGRAM):])
    return value


def _message_down(value: Any) -> Any:
    return int(value) if isinstance(value, str) and _digits(value) else value


_up = _Ids(_person_up, _chat_up, _message_up, _ref_up)
_down = _Ids(_id_down, _id_down, _message_down, _ref_down)


def _outbox(payload: dict[str, Any], ids: _Ids) -> dict[str, Any]:
    if "chat_id" in payload:
        payload["chat_id"] = ids.chat(payload["chat_id"])
    if "ref" in payload:
        payload["ref"] = ids.ref(payload["ref"])
    for key in ("target", "reply_to"):
        target = payload.get(key)
        if isinstance(target, dict):
            target["chat_id"] = ids.chat(target.get("chat_id"))
            target["message_id"] = ids.message(target.get("message_id"))
            target["ref"] = ids.ref(target.get("ref"))
    return payload


def _event(data: dict[str, Any], ids: _Ids) -> dict[str, Any]:
    if "chat_id" in data:
        data["chat_id"] = ids.chat(data["chat_id"])
    if "message_id" in data:
        data["message_id"] = ids.message(data["message_id"])
    return data


def _pending(data: dict[str, Any], ids: _Ids) -> dict[str, Any]:
    reporter = data.get("reporter")
    if isinstance(reporter, dict) and "id" in reporter:
        reporter["id"] = ids.person(reporter["id"])
    for key in ("photos", "texts", "files"):
        for part in data.get(key) or []:
            if isinstance(part, dict) and "message_id" in part:
                part["message_id"] = ids.message(part["message_id"])
    place = data.get("place")
    if isinstance(place, dict) and "message_id" in place:
        place["message_id"] = ids.message(place["message_id"])
    forward = data.get("forward")
    if isinstance(forward, dict) and forward.get("user_id") is not None:
        forward["user_id"] = ids.person(forward["user_id"])
    return data


def _inbox(payload: dict[str, Any], ids: _Ids) -> dict[str, Any]:
    # Telegram's own updates stay as Telegram sent them; the bot's internal events carry ours.
    if payload.get("platform") != "internal":
        return payload
    for key, turn in (("chat", ids.chat), ("person", ids.person)):
        part = payload.get(key)
        if isinstance(part, dict) and "id" in part:
            part["id"] = turn(part["id"])
    return payload


def _rewrite_json(ids: _Ids) -> None:
    _each("outbox", "payload", lambda doc: _outbox(doc, ids), also_ref=ids.ref)
    _each("ticket_events", "data", lambda doc: _event(doc, ids),
          where=sa.column("kind").in_(["created", "reporter_added"]))
    _each("pending_reports", "data", lambda doc: _pending(doc, ids))
    _each("inbox", "payload", lambda doc: _inbox(doc, ids))


def _each(table_name: str, column: str, change: Callable[[dict[str, Any]], dict[str, Any]],
          *, where: Any = None, also_ref: Callable[[str | None], str | None] | None = None,
          ) -> None:
    bind = op.get_bind()
    columns: list[Any] = [sa.column("id", sa.BigInteger()), sa.column(column, JSON)]
    if also_ref is not None:
        columns.append(sa.column("ref", NAME))
    table = sa.table(table_name, *columns, sa.column("kind", sa.String()))
    for row in _batches(bind, table, column, where, also_ref is not None):
        doc = row[1]
        if not isinstance(doc, dict):
            continue
        values: dict[str, Any] = {}
        before = repr(doc)
        changed = change(doc)
        if repr(changed) != before:
            values[column] = changed
        if also_ref is not None and also_ref(row[2]) != row[2]:
            values["ref"] = also_ref(row[2])
        if values:
            bind.execute(sa.update(table).where(table.c.id == row[0]).values(**values))


def _batches(bind: Any, table: Any, column: str, where: Any, with_ref: bool) -> Iterator[Any]:
    last = None
    wanted = [table.c.id, table.c[column], *([table.c.ref] if with_ref else [])]
    while True:
        query = sa.select(*wanted).order_by(table.c.id).limit(BATCH)
        if where is not None:
            query = query.where(where)
        if last is not None:
            query = query.where(table.c.id > last)
        rows = bind.execute(query).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]
