"""Processes sharing one PostgreSQL hear each other's stored updates (`storage/wakeups.py`):
a busy group reaches only the process holding its connection, and the others must know to
claim from the shared inbox."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from storage.db import create_engine, session_factory
from storage.repositories.inbox import IncomingUpdate
from storage.uow import UnitOfWorkFactory
from storage.wakeups import InboxListener


async def test_a_process_hears_the_updates_another_stored(backend, database_url, clock):
    if backend != "postgresql":
        pytest.skip("one process has a SQLite file to itself")
    engine = create_engine(database_url)
    first = UnitOfWorkFactory(session_factory(engine), announce_as="first")
    second = UnitOfWorkFactory(session_factory(engine), announce_as="second")
    heard = asyncio.Event()
    woken: list[int] = []

    def wake() -> None:
        woken.append(1)
        heard.set()

    listener = InboxListener(engine, "second", wake, retry_s=lambda _: 0.1)
    stopping = asyncio.Event()
    listening = asyncio.create_task(listener.run(stopping))
    try:
        await asyncio.wait_for(heard.wait(), 5)  # one wake as it starts listening
        heard.clear()
        woken.clear()
        # Its own stores and a rolled-back store wake nobody.
        async with second() as uow:
            await uow.inbox.add([IncomingUpdate(1, "m:-1:1", "telegram:-1", {})], clock.now())
            await uow.commit()
        async with first() as uow:
            await uow.inbox.add([IncomingUpdate(2, "m:-1:2", "telegram:-1", {})], clock.now())
        await asyncio.sleep(0.2)
        assert woken == []
        # Another process's committed store does.
        async with first() as uow:
            await uow.inbox.add([IncomingUpdate(3, "m:-1:3", "telegram:-1", {})], clock.now())
            await uow.commit()
        await asyncio.wait_for(heard.wait(), 5)
        assert woken == [1]
        # The listening connection is lost (a restart of the server, a network cut): it
        # listens again, on a new connection, and hears the next store.
        async with engine.connect() as conn:
            await conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND query LIKE 'LISTEN%'"))
        for _ in range(100):
            await asyncio.sleep(0.05)
            if listener.listening and len(woken) > 1:  # the wake of listening again
                break
        assert len(woken) == 2 and listener.listening
        heard.clear()
        async with first() as uow:
            await uow.inbox.add([IncomingUpdate(4, "m:-1:4", "telegram:-1", {})], clock.now())
            await uow.commit()
        await asyncio.wait_for(heard.wait(), 5)
    finally:
        stopping.set()
        await asyncio.wait_for(listening, 5)
        await engine.dispose()
    assert not listener.listening
