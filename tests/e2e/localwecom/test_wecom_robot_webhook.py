"""The group robot webhook client against the local server over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import io

import pytest
from PIL import Image

from bot.localwecom import LocalWeCom
from bot.wecom import robot
from bot.wecom.robot import Article, RobotWebhook
from messaging.port import PermanentFailure, RetryLater


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


async def test_twenty_a_minute_then_45009(wecom: LocalWeCom) -> None:
    key = wecom.add_robot()
    hook = RobotWebhook(key, base_url=wecom.robot_base)
    try:
        for n in range(20):
            await hook.send_text(f"工单 {n}")
        with pytest.raises(RetryLater) as caught:
            await hook.send_text("工单 20")
        assert caught.value.seconds == 60.0
        assert len(wecom.robot_messages(key)) == 20
        # Another group's robot has its own budget.
        other = RobotWebhook(wecom.add_robot(), base_url=wecom.robot_base)
        await other.send_text("另一个群")
        await other.close()
    finally:
        await hook.close()


async def test_message_kinds_as_documented(wecom: LocalWeCom) -> None:
    key = wecom.add_robot()
    hook = RobotWebhook(key, base_url=wecom.robot_base)
    try:
        await hook.send_text("超时：工单 42", mention=["lisi"])
        await hook.send_markdown("**超时** 工单 42 <@lisi>")
        photo = _png()
        await hook.send_image(photo)
        await hook.send_news([Article("工单 42", "https://x.test/t/42", "路面坑洞")])
        text, markdown, image, news = wecom.robot_messages(key)
        assert text.body["text"] == {"content": "超时：工单 42", "mentioned_list": ["lisi"]}
        assert markdown.text == "**超时** 工单 42 <@lisi>"
        assert base64.b64decode(image.body["image"]["base64"]) == photo
        assert image.body["image"]["md5"] == hashlib.md5(photo).hexdigest()
        assert news.body["news"]["articles"][0]["url"] == "https://x.test/t/42"
    finally:
        await hook.close()


async def test_refusals(wecom: LocalWeCom) -> None:
    hook = RobotWebhook("no-such-key", base_url=wecom.robot_base)
    try:
        with pytest.raises(PermanentFailure):
            await hook.send_text("x")
    finally:
        await hook.close()
    with pytest.raises(PermanentFailure):
        robot.image_body(b"GIF89a")
    with pytest.raises(PermanentFailure):
        robot.image_body(b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024))
    with pytest.raises(PermanentFailure):
        robot.text_body("字" * 700)  # 2100 bytes
    with pytest.raises(PermanentFailure):
        robot.news_body([])


async def test_server_checks_md5(wecom: LocalWeCom) -> None:
    key = wecom.add_robot()
    hook = RobotWebhook(key, base_url=wecom.robot_base)
    try:
        body = robot.image_body(_png())
        body["image"]["md5"] = "0" * 32
        with pytest.raises(PermanentFailure):
            await hook.post(body)
        assert wecom.robot_messages(key) == []
    finally:
        await hook.close()
