"""`liaison-bot demo`: the road-bulge story, told in full, in seconds."""

from __future__ import annotations

import time

from bot.sandbox.story import play_demo


def after(lines: list[str], needle: str, start: int = 0) -> int:
    """The index of the first line from `start` on that contains `needle`."""
    for index in range(start, len(lines)):
        if needle in lines[index]:
            return index
    raise AssertionError(f"{needle!r} not in the transcript after line {start}:\n"
                         + "\n".join(lines))


async def test_the_demo_tells_the_story_from_report_to_digest():
    started = time.monotonic()
    result = await play_demo(out=lambda line: None)
    lines = result.lines
    assert result.ok, "\n".join(lines)

    report = after(lines, "12:00  小李：[照片]")
    card = after(lines, "#0001 道路破损 · 已派单", report)
    after(lines, "负责：道路养护所", card)
    acknowledged = after(lines, "#0001 道路破损 · 已受理", card)
    after_photo = after(lines, "张师傅：[照片]", acknowledged)
    command = after(lines, "张师傅（↩ 回复 张师傅）：/resolve 1", after_photo)
    resolved = after(lines, "#0001 道路破损 · 已解决", command)
    after(lines, "[照片] #0001 已解决", command)  # the group sees the road level again
    after(lines, "用时 5 小时 0 分", resolved)
    confirmed = after(lines, "点了「✅ 已解决」", resolved)
    rated = after(lines, "评价：😊 满意", after(lines, "点了「😊 满意」", confirmed))
    digest = after(lines, "📊 东湖社区联络群 · 日报", after(lines, "/digest", rated))
    after(lines, "办结用时：中位 5 小时 0 分", digest)
    after(lines, "满意率 100%", digest)
    stations = after(lines, "🏠 离你最近的暖心驿站", after(lines, "小李：附近驿站", digest))
    after(lines, "将台坝河北路暖心驿站", stations)
    assert lines[-1].startswith("✔")
    assert time.monotonic() - started < 60
