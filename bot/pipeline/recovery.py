"""Finding out whether a message whose send ended in doubt was delivered after all.

A send can end without an answer: the process was killed in mid-request, the connection
dropped, the answer was lost or the server said 5xx after doing the work. Sending again could
post it twice. Telegram numbers a chat's messages in order and answers an edit that changes
nothing with "message is not modified" — for our own messages only; other people's messages
"can't be edited". So an edit repeating the message's own content, tried on each id above the
highest id the chat had before the first attempt, finds the message if it arrived, and
changes nothing anywhere. Ids of messages we already know are skipped, so no other message of
ours is ever touched.
"""

from __future__ import annotations

import logging

from domain.clock import Clock
from messaging.outbound import EditCaption, EditText, SendDocument, SendPhoto, SendText, Target
from messaging.port import (
    DeliveryError,
    MessengerPort,
    NotModified,
    PermanentFailure,
    RetryLater,
    TargetGone,
    TransientFailure,
)

from .delivery import Job

log = logging.getLogger(__name__)

# Prefix of the error recorded for a send whose outcome is unknown.
UNCERTAIN = "uncertain: "
# Consecutive ids that do not exist before we conclude the chat ends there.
END_OF_CHAT = 3
# A look at one id is tried this often through a flaky connection before the search waits
# for the next round.
TRIES_PER_ID = 5


async def find_delivered(port: MessengerPort, job: Job, timer: Clock,
                         interval: float) -> str | None:
    """The id of the message if it was delivered, else None (it should be sent)."""
    missing = 0
    for index, number in enumerate(job.probe_ids):
        candidate = str(number)
        if index:
            await timer.sleep(interval)
        try:
            await _look(port, job, candidate, timer)
        except NotModified:
            log.info("message found delivered after an uncertain send",
                     extra={"chat_id": job.chat_id, "message_id": candidate})
            return candidate
        except TargetGone:
            missing += 1
            if missing >= END_OF_CHAT:
                return None
            continue
        except PermanentFailure:
            missing = 0  # someone else's message: the chat goes on
            continue
        # The edit went through: only an unrecorded message of ours can be edited, and the one
        # unrecorded message of this chat is the one we are looking for.
        log.warning("message found by an edit after an uncertain send",
                    extra={"chat_id": job.chat_id, "message_id": candidate})
        return candidate
    return None


async def _look(port: MessengerPort, job: Job, message_id: str, timer: Clock) -> None:
    """One id, looked at through transient failures (which say nothing about the message)."""
    for attempt in range(TRIES_PER_ID):
        try:
            await _same_content_edit(port, job, message_id)
            return
        except RetryLater as error:
            failure: DeliveryError = error
            await timer.sleep(error.seconds)
        except TransientFailure as error:
            failure = error
            await timer.sleep(0.2 * 2 ** attempt)
    raise failure


async def _same_content_edit(port: MessengerPort, job: Job, message_id: str) -> None:
    message = job.message
    target = Target(job.chat_id, message_id)
    if isinstance(message, SendText):
        await port.edit_text(EditText(target=target, text=message.text,
                                      buttons=message.buttons), message_id)
    elif isinstance(message, SendPhoto):
        await port.edit_caption(EditCaption(target=target, caption=message.caption,
                                            buttons=message.buttons), message_id)
    elif isinstance(message, SendDocument):
        await port.edit_caption(EditCaption(target=target, caption=message.caption), message_id)
