"""The customer-service grants: which interactions open which window, and how many messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.wechat.budget import (
    GRANTS,
    Budget,
    NoGrant,
    Trigger,
    can_send,
    channel,
    charge,
    left,
    open_grant,
    prune,
    refusal,
    trigger_of,
)

T0 = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)


def send_all(budget: Budget, now: datetime) -> tuple[Budget, int]:
    sent = 0
    while can_send(budget, now):
        budget = charge(budget, now)
        sent += 1
        assert sent < 100
    return budget, sent


def test_the_documented_table() -> None:
    assert GRANTS[Trigger.MESSAGE].messages == 5
    assert GRANTS[Trigger.MESSAGE].window == timedelta(hours=48)
    for trigger in (Trigger.MENU_CLICK, Trigger.SUBSCRIBE, Trigger.SCAN):
        assert GRANTS[trigger].messages == 3
        assert GRANTS[trigger].window == timedelta(minutes=1)


@pytest.mark.parametrize(("msg_type", "event", "trigger"), [
    ("text", None, Trigger.MESSAGE), ("image", None, Trigger.MESSAGE),
    ("location", None, Trigger.MESSAGE), ("voice", None, Trigger.MESSAGE),
    ("event", "CLICK", Trigger.MENU_CLICK), ("event", "scancode_push", Trigger.MENU_CLICK),
    ("event", "subscribe", Trigger.SUBSCRIBE), ("event", "SCAN", Trigger.SCAN),
    ("event", "LOCATION", None), ("event", "VIEW", None), ("event", "unsubscribe", None),
])
def test_what_opens_which_grant(msg_type: str, event: str | None,
                                trigger: Trigger | None) -> None:
    assert trigger_of(msg_type, event) is trigger


def test_nothing_may_be_sent_before_the_user_does_anything() -> None:
    assert refusal(Budget(), T0) == "window_closed"
    assert channel(Budget(), T0) == "template"
    with pytest.raises(NoGrant) as caught:
        charge(Budget(), T0)
    assert caught.value.reason == "window_closed"


def test_a_message_allows_five_within_48_hours() -> None:
    budget = open_grant(Budget(), Trigger.MESSAGE, T0)
    budget, sent = send_all(budget, T0 + timedelta(hours=1))
    assert sent == 5
    assert refusal(budget, T0 + timedelta(hours=47, minutes=59)) == "quota_used"
    assert refusal(budget, T0 + timedelta(hours=48)) == "window_closed"


def test_a_new_message_restarts_the_window_and_the_count() -> None:
    budget, _ = send_all(open_grant(Budget(), Trigger.MESSAGE, T0), T0)
    budget = open_grant(budget, Trigger.MESSAGE, T0 + timedelta(hours=40))
    assert left(budget, T0 + timedelta(hours=40)) == 5
    assert can_send(budget, T0 + timedelta(hours=87))
    assert not can_send(budget, T0 + timedelta(hours=88))


def test_a_menu_click_allows_three_within_a_minute_and_no_more() -> None:
    budget = open_grant(Budget(), Trigger.MENU_CLICK, T0)
    budget, sent = send_all(budget, T0 + timedelta(seconds=30))
    assert sent == 3
    fresh = open_grant(Budget(), Trigger.MENU_CLICK, T0)
    assert not can_send(fresh, T0 + timedelta(seconds=60))


def test_short_grants_are_used_before_the_48_hour_one() -> None:
    budget = open_grant(Budget(), Trigger.MESSAGE, T0)
    budget = open_grant(budget, Trigger.MENU_CLICK, T0 + timedelta(seconds=1))
    now = T0 + timedelta(seconds=2)
    budget, sent = send_all(budget, now)
    assert sent == 8
    budget = open_grant(Budget(), Trigger.MESSAGE, T0)
    budget = open_grant(budget, Trigger.MENU_CLICK, T0)
    for _ in range(3):
        budget = charge(budget, now)
    assert left(budget, T0 + timedelta(minutes=5)) == 5  # the click's three were spent first


def test_payment_grant_has_no_count() -> None:
    budget = open_grant(Budget(), Trigger.PAYMENT, T0)
    for _ in range(50):
        budget = charge(budget, T0)
    assert left(budget, T0) is None and can_send(budget, T0)


def test_the_state_survives_json_and_pruning() -> None:
    budget = charge(open_grant(open_grant(Budget(), Trigger.SCAN, T0), Trigger.MESSAGE, T0), T0)
    assert Budget.from_json(budget.to_json()) == budget
    pruned = prune(budget, T0 + timedelta(minutes=2))
    assert [g.trigger for g in pruned.grants] == [Trigger.MESSAGE]


events = st.lists(st.tuples(st.sampled_from(list(Trigger)), st.integers(0, 3 * 24 * 3600),
                            st.booleans()), max_size=40)


@settings(max_examples=200)
@given(events)
def test_never_more_than_the_open_grants_allow(steps: list[tuple[Trigger, int, bool]]) -> None:
    """Whatever happens, no more messages go than the opened grants allow in total, and
    none goes when no grant is open."""
    budget = Budget()
    sent: list[datetime] = []
    opened: list[tuple[Trigger, datetime]] = []
    for trigger, offset, is_send in sorted(steps, key=lambda s: s[1]):
        now = T0 + timedelta(seconds=offset)
        if is_send:
            if can_send(budget, now):
                budget = charge(budget, now)
                sent.append(now)
                assert any(at <= now < at + GRANTS[t].window for t, at in opened)
            continue
        if trigger is Trigger.PAYMENT:
            continue
        budget = open_grant(budget, trigger, now)
        opened.append((trigger, now))
    total_allowed = sum(GRANTS[t].messages or 0 for t, _ in opened)
    assert len(sent) <= total_allowed
