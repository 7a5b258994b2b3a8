"""Escalation to the B post, who is @-mentioned by userid; and a department whose group has
only a group robot, kept to 20 messages a minute by merging announcements."""

from __future__ import annotations

from datetime import timedelta

from tests.contract.steps import spot
from tests.e2e.harness import RIDER

from .harness import LI, WeComHarness


async def test_escalation_mentions_the_b_post_by_userid(database_url, tmp_path, clock):
    crew = WeComHarness(database_url, tmp_path, clock)
    await crew.start()
    try:
        await crew.report(RIDER, caption="路面鼓包")
        assert not any(f"<@{LI}>" in t for t in crew.texts())
        # Road damage is to be acknowledged within 30 minutes; nobody does.
        await crew.later(timedelta(minutes=31))
        mentions = [p for p in crew.posts() if p.msgtype == "markdown" and f"<@{LI}>" in p.text]
        assert mentions, crew.texts()
        # The line follows the escalation's card, which names the ticket and the B post.
        index = crew.posts().index(mentions[-1])
        assert "#0001" in crew.texts()[index - 1] and "李师傅" in crew.texts()[index - 1]
    finally:
        await crew.stop()


async def test_group_robot_keeps_twenty_a_minute_by_merging(database_url, tmp_path, clock):
    crew = WeComHarness(database_url, tmp_path, clock, robot=True,
                        wecom_limits={"robot_per_minute": 20},
                        server_options={"robot_per_minute": 20},
                        web={"listen": "127.0.0.1:0", "base_url": "http://liaison.test"})
    reports = 30
    await crew.start()
    try:
        for index in range(reports):
            await crew.server.post_text(-1001000000001, RIDER, f"路面鼓包 {index}")
            await crew.server.post_location(-1001000000001, RIDER, *spot(index))
        await crew.settle(within=120)
        assert crew.robot_key is not None
        posted = crew.wecom.robot_messages(crew.robot_key)
        assert crew.wecom.rate_limited == 0, "the robot never had to refuse a message"
        times = [p.at for p in posted]
        assert all(sum(1 for t in times if start <= t < start + 60) <= 20 for start in times)
        said = "\n".join(p.body.get("text", {}).get("content", "") for p in posted)
        missing = [n for n in range(1, reports + 1) if f"#{n:04d}" not in said]
        assert not missing, f"tickets never announced: {missing}"
        assert len(posted) < reports, "a burst is merged, not queued for minutes"
        # No buttons on a robot: staff act on the ticket's page; the crew is @-mentioned.
        first = next(p.body["text"] for p in posted if "#0001" in p.body.get("text", {}).get(
            "content", ""))
        assert "http://liaison.test/web/tickets/1" in first["content"]
        assert first.get("mentioned_list") == ["zhangsan"]
    finally:
        await crew.stop()
