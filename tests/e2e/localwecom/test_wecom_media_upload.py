"""Temporary media over the long connection (init, chunks, finish), then an image send naming
the media_id; the local server checks sizes, chunks and the md5 as strictly as it can."""

from __future__ import annotations

import os

import pytest

from bot.localwecom import LocalWeCom
from bot.wecom import frames
from messaging.port import PermanentFailure
from tests.e2e.localwecom.conftest import ClientFactory, Inbox

GROUP = "wrk-road-crew"


async def test_an_image_goes_up_in_chunks_and_is_sent(wecom: LocalWeCom,
                                                      connect: ClientFactory) -> None:
    client = await connect(Inbox())
    # Three chunks: two whole ones of 512 KiB and a tail.
    photo = b"\xff\xd8\xff" + os.urandom(2 * frames.UPLOAD_CHUNK_BYTES + 1000)
    await client.send_image(GROUP, photo)
    (post,) = wecom.chat(GROUP).of("send")
    assert post.msgtype == "image"
    assert wecom.uploaded[post.body["image"]["media_id"]] == photo


async def test_an_image_send_naming_unknown_media_is_refused(wecom: LocalWeCom,
                                                             connect: ClientFactory) -> None:
    client = await connect(Inbox())
    with pytest.raises(PermanentFailure):
        await client.send(GROUP, frames.image_body("media-never-uploaded"))
    with pytest.raises(PermanentFailure):
        await client.upload_media(b"")
    assert not wecom.chat(GROUP).posts
