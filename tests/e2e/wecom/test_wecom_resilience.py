"""WeCom's long connection drops in the middle of a burst of staff messages: every message is
handled once, none is lost, none is handled or answered twice."""

from __future__ import annotations

from tests.e2e.harness import RIDER

from .harness import ZHANG

BURST = 24


async def test_dropped_connection_mid_burst_loses_and_doubles_nothing(crew):
    await crew.report(RIDER, caption="路面鼓包")
    msgids = []
    for index in range(BURST):
        if index == BURST // 2:
            await crew.wecom.drop()
        msgids.append(await crew.say(ZHANG, f"备注 1 第{index}条", settle=False))
    # WeCom may push a callback again: the same msgid, once more.
    await crew.wecom.say("wrk-roads-0001", ZHANG, "备注 1 第0条", msgid=msgids[0])
    await crew.stored(*msgids, within=30)
    await crew.settle()

    ticket = await crew.ticket(1)
    notes = [e.note for e in ticket.events if e.kind == "note"]
    assert sorted(notes) == sorted(f"第{i}条" for i in range(BURST)), notes
    assert crew.adapter.client is not None and crew.adapter.client.stats.drops >= 1
    answers = [t for t in crew.texts() if "备注" in t or "第" in t]
    for index in range(BURST):
        assert sum(f"第{index}条" in t for t in answers) <= 1, f"第{index}条 answered twice"


async def test_messages_while_the_bot_is_down_are_handled_after_it_restarts(crew):
    await crew.report(RIDER, caption="路面鼓包")
    await crew.crash_bot()
    # WeCom holds what members write while no connection is subscribed (the local server
    # does by default; the real service's behaviour is not documented).
    msgids = [await crew.say(ZHANG, f"备注 1 停机时第{i}条", settle=False) for i in range(3)]
    await crew.start_bot()
    await crew.stored(*msgids)
    await crew.settle()
    notes = [e.note for e in (await crew.ticket(1)).events if e.kind == "note"]
    assert sorted(notes) == [f"停机时第{i}条" for i in range(3)]
