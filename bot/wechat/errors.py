"""WeChat API errors, mapped once onto the delivery port's errors (messaging/port.py).

The errcodes come from 全局返回码说明 and the API pages of developers.weixin.qq.com:
- 40001 (bad secret or invalid access_token), 40014 (invalid access_token), 41001 (missing
  access_token), 42001 (access_token expired): `TokenExpired`; the client refreshes and
  retries once, so a caller only sees it when refreshing did not help.
- 45015 (response out of time limit or subscription is canceled): `WindowClosed`;
  45047 (out of response count limit): `QuotaUsed`. Both are `CustomerServiceRefused`,
  the signal to send the message as a template message instead. Nothing was delivered.
- -1 (system busy): `TransientFailure`; 45009 (daily API quota) and 45011 (per-minute API
  quota): `RetryLater`.
- 43004 (require subscribe), 40003 (invalid openid): `RecipientGone`, a `PermanentFailure`.
- anything else: `WeChatRefused`, a `PermanentFailure` that keeps the errcode.
"""

from __future__ import annotations

from messaging.port import DeliveryError, PermanentFailure, RetryLater, TransientFailure

TOKEN_ERRCODES = frozenset({40001, 40014, 41001, 42001})
WINDOW_CLOSED = 45015
QUOTA_USED = 45047
SYSTEM_BUSY = -1
DAILY_QUOTA = 45009
MINUTE_QUOTA = 45011
RECIPIENT_GONE = frozenset({43004, 40003})


class TokenExpired(TransientFailure):
    def __init__(self, errcode: int, errmsg: str = "") -> None:
        self.errcode = errcode
        super().__init__(f"access_token refused ({errcode}): {errmsg}")


class WeChatRefused(PermanentFailure):
    def __init__(self, errcode: int, errmsg: str = "") -> None:
        self.errcode = errcode
        self.errmsg = errmsg
        super().__init__(f"WeChat refused ({errcode}): {errmsg}")


class CustomerServiceRefused(WeChatRefused):
    """No customer-service message may go to this user now: send a template message."""


class WindowClosed(CustomerServiceRefused):
    pass


class QuotaUsed(CustomerServiceRefused):
    pass


class RecipientGone(WeChatRefused):
    pass


class MediaTooLarge(PermanentFailure):
    pass


def error_for(errcode: int, errmsg: str = "") -> DeliveryError | None:
    """The port error for an API answer's errcode; None when it is 0 (success)."""
    if errcode == 0:
        return None
    if errcode in TOKEN_ERRCODES:
        return TokenExpired(errcode, errmsg)
    if errcode == WINDOW_CLOSED:
        return WindowClosed(errcode, errmsg)
    if errcode == QUOTA_USED:
        return QuotaUsed(errcode, errmsg)
    if errcode == SYSTEM_BUSY:
        return TransientFailure(f"WeChat busy (-1): {errmsg}")
    if errcode == MINUTE_QUOTA:
        return RetryLater(60, f"per-minute API quota (45011): {errmsg}")
    if errcode == DAILY_QUOTA:
        return RetryLater(3600, f"daily API quota (45009): {errmsg}")
    if errcode in RECIPIENT_GONE:
        return RecipientGone(errcode, errmsg)
    return WeChatRefused(errcode, errmsg)
