"""Who may change a ticket, through the bot: the department's staff, backup staff and
supervisors and the admins may do everything; the reporter may add notes and reopen; everyone
else may only look. (The pure rules are tested as a whole matrix in tests/unit.)"""

from __future__ import annotations

import pytest

from domain.status import Status
from tests.e2e.harness import (
    ADMIN,
    GROUP,
    RIDER,
    ROADS_BACKUP,
    ROADS_CHAT,
    ROADS_STAFF,
    ROADS_SUPERVISOR,
    SANITATION_STAFF,
    STRANGER,
)
from tests.e2e.workflow.helpers import file_reports, last_reply, press, say

REFUSED = "你没有权限"
STAFF_COMMANDS = ["/ack 1", "/take 1", "/progress 1 在修", "/resolve 1 修好了",
                  "/reject 1 不归我们", "/dup 1 2", "/transfer 1 sanitation"]

# A chain of changes that each succeed in turn, with the status each leaves.
CHAIN = [
    ("/ack 1", Status.ACKNOWLEDGED),
    ("/take 1", Status.ACKNOWLEDGED),
    ("/progress 1 在修", Status.IN_PROGRESS),
    ("/resolve 1 修好了", Status.RESOLVED),
    ("/reopen 1 没修好", Status.REOPENED),
    ("/dup 1 2", Status.DUPLICATE),
    ("/reopen 1 不是重复", Status.REOPENED),
    ("/reject 1 不归我们", Status.REJECTED),
    ("/reopen 1 归我们", Status.REOPENED),
    ("/note 1 明天处理", Status.REOPENED),
    ("/transfer 1 sanitation", Status.ASSIGNED),
]


async def _ask(liaison, user_id, text):
    sent = await say(liaison, GROUP, user_id, text)
    return last_reply(liaison, GROUP, sent) if liaison.replies_to(GROUP, sent.message_id) else ""


@pytest.mark.parametrize("who", [ROADS_STAFF, ROADS_BACKUP, ROADS_SUPERVISOR, ADMIN],
                         ids=["staff", "backup", "supervisor", "admin"])
async def test_the_responsible_may_do_everything(liaison, who):
    await file_reports(liaison, 2)
    for command, status in CHAIN:
        reply = await _ask(liaison, who, command)
        assert REFUSED not in reply, (command, reply)
        assert (await liaison.ticket(1)).status is status, (command, reply)
    # The ticket now belongs to sanitation: only the admin still works on it.
    reply = await _ask(liaison, who, "/ack 1")
    assert (REFUSED in reply) is (who != ADMIN)
    resolved = await _ask(liaison, who, "/resolve 2")
    assert REFUSED not in resolved
    answer = await press(liaison, GROUP, liaison.card(2), who, "↩️ 重新打开")
    assert not answer.get("show_alert"), "staff may reopen from the card"


@pytest.mark.parametrize("who", [SANITATION_STAFF, STRANGER, RIDER],
                         ids=["other_department", "stranger", "reporter"])
async def test_everyone_else_may_look_but_not_work(liaison, who):
    await file_reports(liaison, 2)
    for command in STAFF_COMMANDS:
        assert REFUSED in await _ask(liaison, who, command), command
    assert (await liaison.ticket(1)).status is Status.ASSIGNED
    assert (await _ask(liaison, who, "/ticket 1")).startswith("📌 #0001")

    note = await _ask(liaison, who, "/note 1 还在那里")
    assert (note == "📝 已记录到 #0001。") is (who == RIDER), note

    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/resolve 1")
    reopened = await _ask(liaison, who, "/reopen 1 还是不平")
    assert (REFUSED not in reopened) is (who == RIDER), reopened
    expected = Status.REOPENED if who == RIDER else Status.RESOLVED
    assert (await liaison.ticket(1)).status is expected


async def test_the_reporter_may_reopen_only_within_seven_days(liaison, clock):
    from datetime import timedelta

    await file_reports(liaison, 2)
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/reject 1 不归我们")
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/resolve 2")
    await liaison.later(timedelta(days=7, minutes=1))
    late = await _ask(liaison, RIDER, "/reopen 1 还是要处理")
    assert late == "#0001 解决已超过 7 天，报告人不能再重新打开。请重新报告，或联系负责部门。"
    late = await _ask(liaison, RIDER, "/reopen 2 还是不平")
    assert "超过 7 天" in late
    staff = await _ask(liaison, ROADS_STAFF, "/reopen 2 复查发现问题")
    assert REFUSED not in staff and (await liaison.ticket(2)).status is Status.REOPENED
