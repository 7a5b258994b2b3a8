"""Queue an internal event: work noticed outside a chat's flow, handled in its order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from messaging.inbound import Chat, Person
from storage.repositories.inbox import IncomingUpdate, lane_of
from storage.uow import UnitOfWork

INTERNAL_COUNTER = "internal_update"


async def enqueue_internal(uow: UnitOfWork, *, kind: str, key: str, chat: Chat, person: Person,
                           data: dict[str, Any], now: datetime) -> bool:
    """Store an internal event once per `key`; False when one with that key exists already."""
    sequence = await uow.tickets.next_value(INTERNAL_COUNTER)
    payload = {
        "platform": "internal",
        "kind": kind,
        "chat": {"id": chat.id, "kind": chat.kind, "title": chat.title},
        "person": {"id": person.id, "first_name": person.first_name,
                   "last_name": person.last_name, "username": person.username,
                   "language": person.language},
        "data": data,
    }
    added = await uow.inbox.add(
        [IncomingUpdate(update_id=-sequence, dedup_key=f"i:{kind}:{key}"[:255], chat_id=chat.id,
                        payload=payload, lane=lane_of(chat.id, person.id))], now)
    return added == 1


def decode_internal(update_id: int, payload: dict[str, Any]) -> Any:
    from messaging.inbound import Internal

    return Internal(
        update_id=update_id,
        kind=payload["kind"],
        chat=Chat(**payload["chat"]),
        sender=Person(**payload["person"]),
        data=dict(payload.get("data") or {}),
    )
