"""Addresses: platform plus the platform's own id, and the bare integers of older files."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.identity import (
    PLATFORMS,
    TELEGRAM,
    BadAddress,
    account,
    address,
    is_address,
    native_of,
    platform_of,
    short,
    split,
)

natives = st.text(min_size=1).map(str.strip).filter(bool)


@given(st.sampled_from(PLATFORMS), natives)
def test_an_address_splits_back_into_what_made_it(platform: str, native: str) -> None:
    made = address(platform, native)
    assert split(made) == (platform, native)
    assert platform_of(made) == platform and native_of(made) == native
    assert is_address(made)
    assert account(made) == made


@given(st.integers())
def test_a_bare_integer_is_a_telegram_account(value: int) -> None:
    assert account(value) == f"telegram:{value}"
    assert account(str(value)) == f"telegram:{value}"
    assert platform_of(account(value)) == TELEGRAM


def test_ids_with_colons_keep_them() -> None:
    assert split("feishu:oc_a:b") == ("feishu", "oc_a:b")


@pytest.mark.parametrize("bad", ["", "telegram:", "irc:1", "nocolon", ":5", True])
def test_what_is_not_an_address_is_refused(bad: object) -> None:
    assert not is_address(bad)
    with pytest.raises(BadAddress):
        account(bad)  # type: ignore[arg-type]


def test_short_is_the_native_id_or_the_text_itself() -> None:
    assert short("wecom:zhangsan") == "zhangsan"
    assert short("whatever") == "whatever"
