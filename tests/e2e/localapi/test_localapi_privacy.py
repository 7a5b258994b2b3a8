"""Privacy mode: what a bot sees in groups, exactly by Telegram's rule."""

from __future__ import annotations

from aiogram import Bot

from bot.localapi import LocalBotApi


async def _texts(bot: Bot) -> list[str]:
    updates = await bot.get_updates()
    if updates:
        await bot.get_updates(offset=updates[-1].update_id + 1)
    return [u.message.text or u.message.caption or "<service>" for u in updates]


async def test_privacy_mode_filters_plain_group_messages(
    server: LocalBotApi, bot: Bot, scene, jpeg
) -> None:
    card = await bot.send_message(scene.group, "#0003 which street?")
    await server.post_text(scene.group, scene.alice, "just chatting")
    await server.post_photo(scene.group, scene.alice, jpeg(), caption="bulge")
    await server.post_text(scene.group, scene.alice, "/report bulge")
    await server.post_text(scene.group, scene.alice, "/report@liaison_bot bulge")
    await server.post_text(scene.group, scene.alice, "/report@other_bot bulge")
    await server.post_text(scene.group, scene.alice, "Elm St", reply_to=card.message_id)
    await server.post_text(scene.group, scene.alice, "hey @liaison_bot look")
    await server.post_text(scene.group, scene.alice, "not for the bot /report")
    await server.add_member(scene.group, scene.bob)
    assert await _texts(bot) == [
        "/report bulge",
        "/report@liaison_bot bulge",
        "Elm St",
        "hey @liaison_bot look",
        "<service>",
    ]
    # In private chats everything arrives.
    await server.post_text(scene.alice, scene.alice, "hello")
    assert await _texts(bot) == ["hello"]


async def test_admin_or_privacy_off_sees_everything(server: LocalBotApi, bot: Bot, scene) -> None:
    server.set_bot_status(scene.group, "administrator")
    await server.post_text(scene.group, scene.alice, "plain one")
    assert await _texts(bot) == ["plain one"]
    server.set_bot_status(scene.group, "member")
    server.set_privacy(can_read_all_group_messages=True)
    await server.post_text(scene.group, scene.alice, "plain two")
    assert await _texts(bot) == ["plain two"]
    server.set_bot_status(scene.group, "left")
    await server.post_text(scene.group, scene.alice, "/report while away")
    assert await _texts(bot) == []
