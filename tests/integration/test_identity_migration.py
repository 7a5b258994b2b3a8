"""Revision 0004 turns Telegram integers into addresses and back, losing nothing."""

from __future__ import annotations

import json

import pytest
from alembic import command

from storage.migrate import alembic_config, current_revision
from tests.old_rows import OldChat, build_at_0003, column_values

IDS = OldChat(group=-1001000000001, roads_chat=-1002000000001, rider=3001, rider_2=3002,
              staff=2001, report_message=11, card_message=12, announcement_message=9,
              waiting_text_message=100)

# What a round trip must give back unchanged.
TABLES = {
    "tickets": ["id", "reporter_id", "chat_id", "message_id", "assignee_id", "status"],
    "ticket_events": ["id", "actor_id", "data"],
    "ticket_followers": ["ticket_id", "user_id", "chat_id", "message_id"],
    "message_refs": ["ref", "chat_id", "message_id"],
    "outbox": ["id", "chat_id", "message_id", "ref", "payload", "floor_message_id"],
    "chat_lanes": ["chat_id", "next_send_at"],
    "pending_reports": ["id", "chat_id", "user_id", "first_message_id", "data"],
    "users": ["user_id", "first_name"],
    "inbox": ["id", "chat_id", "message_id", "dedup_key", "payload"],
    "web_sessions": ["id_hash", "person_id"],
    "job_runs": ["key"],
}


def snapshot(url: str) -> dict[str, list[tuple[object, ...]]]:
    def plain(value: object) -> object:
        # JSON comes back as text on SQLite and as objects on PostgreSQL.
        if isinstance(value, str) and value[:1] in ("{", "["):
            return json.loads(value)
        return value

    return {table: [tuple(plain(v) for v in row) for row in column_values(url, table, cols)]
            for table, cols in TABLES.items()}


def test_telegram_ids_become_addresses_and_come_back(empty_database_url, clock):
    url = empty_database_url
    build_at_0003(url, IDS, clock.now())
    before = snapshot(url)
    command.upgrade(alembic_config(url), "0004")  # the revision under test, not the head
    assert current_revision(url) == "0004"
    after = snapshot(url)

    assert after["tickets"] == [(1, "telegram:3001", "telegram:-1001000000001", "11", None,
                                 "assigned")]
    created = after["ticket_events"][0][2]
    assert after["ticket_events"][0][1] == "telegram:3001"
    assert (created["chat_id"], created["message_id"]) == ("telegram:-1001000000001", "11")
    assert after["ticket_followers"] == [(1, "telegram:3001", "telegram:-1001000000001", "11")]
    assert after["message_refs"] == [
        ("announce:telegram:-1002000000001:1", "telegram:-1002000000001", "9"),
        ("card:1", "telegram:-1001000000001", "12")]
    sent_card, _, line, edit = after["outbox"][0], after["outbox"][1], after["outbox"][2], \
        after["outbox"][3]
    assert sent_card[1:4] == ("telegram:-1001000000001", "12", "card:1")
    assert sent_card[4]["chat_id"] == "telegram:-1001000000001" and sent_card[5] == 11
    assert line[4]["reply_to"] == {"chat_id": "telegram:-1001000000001", "message_id": "11",
                                   "ref": None}
    assert edit[4]["target"] == {"chat_id": "telegram:-1002000000001", "message_id": None,
                                 "ref": "announce:telegram:-1002000000001:1"}
    assert sorted(after["chat_lanes"]) == [("", 0.0), ("telegram:-1001000000001", 0.0)]
    pending = after["pending_reports"][0]
    assert pending[1:4] == ("telegram:-1001000000001", "telegram:3002", "100")
    assert pending[4]["reporter"]["id"] == "telegram:3002"
    assert pending[4]["texts"][0]["message_id"] == "100"
    assert {row[0] for row in after["users"]} == {"telegram:2001", "telegram:3001",
                                                  "telegram:3002"}
    assert after["inbox"][0][1:4] == ("telegram:-1001000000001", "11", "m:-1001000000001:11")
    assert after["web_sessions"][0][1] == "telegram:2001"
    # Today's digest already went to the group: the new key says so too.
    assert after["job_runs"] == [("digest:2026-06-01:telegram:-1001000000001",)]

    command.downgrade(alembic_config(url), "0003")
    assert snapshot(url) == before


def test_the_downgrade_refuses_ids_of_other_platforms(empty_database_url, clock):
    url = empty_database_url
    build_at_0003(url, IDS, clock.now())
    command.upgrade(alembic_config(url), "0004")  # the revision under test, not the head
    import sqlalchemy as sa

    from storage.db import sync_url

    engine = sa.create_engine(sync_url(url))
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE users SET user_id = 'wecom:zhangsan' "
                                   "WHERE user_id = 'telegram:2001'"))
    engine.dispose()
    with pytest.raises(RuntimeError, match="wecom:zhangsan"):
        command.downgrade(alembic_config(url), "0003")
    assert current_revision(url) == "0004"
