"""What the WeChat adapter keeps in the database, shared by every process: the access token,
each follower's customer-service budget and their latest reported position.

Each function takes the open unit of work of its caller (the callback stores a push, its
grant and its position in one transaction) or opens one of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from storage.models import WeChatBudgetRow, WeChatPositionRow, WeChatTokenRow
from storage.repositories._upsert import insert_ignoring_conflicts
from storage.uow import UnitOfWork, UnitOfWorkFactory

from .budget import Budget, Trigger, open_grant, prune
from .tokens import AccessToken


def _upsert(uow: UnitOfWork, table: Any, key: str, values: dict[str, Any]) -> Any:
    statement = insert_ignoring_conflicts(uow.tickets.dialect, table).values(values)
    return statement.on_conflict_do_update(
        index_elements=[key], set_={k: v for k, v in values.items() if k != key})


class DatabaseTokenStore:
    """`TokenStore` in the `wechat_tokens` table: one row per AppID."""

    def __init__(self, uows: UnitOfWorkFactory, app_id: str) -> None:
        self.uows = uows
        self.app_id = app_id

    async def load(self) -> AccessToken | None:
        async with self.uows(read_only=True) as uow:
            row = await uow.session.get(WeChatTokenRow, self.app_id)
            return None if row is None else AccessToken(row.value, row.expires_at)

    async def save(self, token: AccessToken) -> None:
        async with self.uows() as uow:
            await uow.session.execute(_upsert(uow, WeChatTokenRow, "app_id", {
                "app_id": self.app_id, "value": token.value, "expires_at": token.expires_at}))
            await uow.commit()


# -- budgets -------------------------------------------------------------------------------

async def load_budget(uow: UnitOfWork, openid: str, *, lock: bool = False) -> Budget:
    query = select(WeChatBudgetRow).where(WeChatBudgetRow.openid == openid)
    if lock and uow.tickets.dialect == "postgresql":
        # Two processes sending to one follower at once must not both spend the last grant.
        query = query.with_for_update()
    row = (await uow.session.execute(query)).scalar_one_or_none()
    return Budget() if row is None else Budget.from_json(list(row.grants))


async def save_budget(uow: UnitOfWork, openid: str, budget: Budget, now: datetime) -> None:
    await uow.session.execute(_upsert(uow, WeChatBudgetRow, "openid", {
        "openid": openid, "grants": prune(budget, now).to_json(), "updated_at": now}))


async def open_budget(uow: UnitOfWork, openid: str, trigger: Trigger, at: datetime,
                      now: datetime) -> None:
    """The follower did something that opens `trigger`'s grant (a message, a menu click…)."""
    budget = await load_budget(uow, openid, lock=True)
    await save_budget(uow, openid, open_grant(budget, trigger, at), now)


# -- positions -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportedPosition:
    lat: float
    lon: float
    precision_m: float | None
    at: datetime


async def save_position(uow: UnitOfWork, openid: str, position: ReportedPosition) -> None:
    await uow.session.execute(_upsert(uow, WeChatPositionRow, "openid", {
        "openid": openid, "lat": position.lat, "lon": position.lon,
        "precision_m": position.precision_m, "reported_at": position.at}))


async def recent_position(uow: UnitOfWork, openid: str, at: datetime,
                          within: timedelta) -> ReportedPosition | None:
    """The follower's position if they reported one within `within` before `at`."""
    row = await uow.session.get(WeChatPositionRow, openid)
    if row is None or not at - within <= row.reported_at <= at + timedelta(seconds=5):
        return None
    return ReportedPosition(row.lat, row.lon, row.precision_m, row.reported_at)
