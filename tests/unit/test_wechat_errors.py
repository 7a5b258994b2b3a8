"""WeChat errcodes onto the delivery port's errors, in one table."""

from __future__ import annotations

import pytest

from bot.wechat.errors import (
    CustomerServiceRefused,
    QuotaUsed,
    RecipientGone,
    TokenExpired,
    WeChatRefused,
    WindowClosed,
    error_for,
)
from messaging.port import PermanentFailure, RetryLater, TransientFailure


@pytest.mark.parametrize(("errcode", "kind"), [
    (40001, TokenExpired), (40014, TokenExpired), (41001, TokenExpired), (42001, TokenExpired),
    (45015, WindowClosed), (45047, QuotaUsed), (-1, TransientFailure), (45011, RetryLater),
    (45009, RetryLater), (43004, RecipientGone), (40003, RecipientGone),
    (40007, WeChatRefused), (47001, WeChatRefused),
])
def test_each_errcode_maps_to_one_port_error(errcode: int, kind: type) -> None:
    error = error_for(errcode, "x")
    assert type(error) is kind


def test_success_is_no_error() -> None:
    assert error_for(0, "ok") is None


def test_the_fallback_signal_is_one_permanent_class() -> None:
    for errcode in (45015, 45047):
        error = error_for(errcode)
        assert isinstance(error, CustomerServiceRefused)
        assert isinstance(error, PermanentFailure)
        assert error.errcode == errcode
    assert not isinstance(error_for(43004), CustomerServiceRefused)


def test_token_errors_are_transient_and_rate_limits_wait() -> None:
    assert isinstance(error_for(42001), TransientFailure)
    limit = error_for(45011)
    assert isinstance(limit, RetryLater) and limit.seconds == 60
