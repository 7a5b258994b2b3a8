"""Fault injection: the failures a bot meets on the real network, on demand and reproducibly.

Every knob is a share of requests (0..1) drawn from a seeded generator. Faults decided "before"
leave no trace: the request never took effect. `fail_after_effect_rate` is the one exception:
the message is recorded and only the answer is lost, which is what duplicate handling must
survive. Restricting `methods` (Bot API method names, plus `"file"` for downloads) aims faults
at one place, e.g. only `getFile`.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .models import JSON

FILE_DOWNLOAD = "file"
AFTER_EFFECT_MODES = ("502", "drop")
REFUSAL_MODES = ("too_big", "not_found", "server_error")


@dataclass(frozen=True)
class FaultPlan:
    server_error_rate: float = 0.0
    server_error_code: int = 500
    too_many_requests_rate: float = 0.0
    retry_after: int = 1
    slow_rate: float = 0.0
    slow_seconds: float = 1.0
    drop_rate: float = 0.0
    fail_after_effect_rate: float = 0.0
    fail_after_effect_mode: str = "502"
    refuse_download_rate: float = 0.0
    refuse_download_mode: str = "too_big"
    methods: frozenset[str] | None = None
    limit: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if self.fail_after_effect_mode not in AFTER_EFFECT_MODES:
            raise ValueError(f"fail_after_effect_mode must be one of {AFTER_EFFECT_MODES}")
        if self.refuse_download_mode not in REFUSAL_MODES:
            raise ValueError(f"refuse_download_mode must be one of {REFUSAL_MODES}")
        if self.server_error_code not in (500, 502):
            raise ValueError("server_error_code must be 500 or 502")
        if self.methods is not None and not isinstance(self.methods, frozenset):
            object.__setattr__(self, "methods", frozenset(self.methods))

    def to_json(self) -> JSON:
        data = asdict(self)
        data["methods"] = sorted(self.methods) if self.methods is not None else None
        return data

    @classmethod
    def from_json(cls, data: JSON) -> FaultPlan:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        values: dict[str, Any] = dict(data)
        if values.get("methods") is not None:
            values["methods"] = frozenset(values["methods"])
        return cls(**values)


@dataclass(frozen=True)
class FaultDecision:
    delay: float = 0.0
    before: str | None = None
    after: str | None = None


NO_FAULT = FaultDecision()


@dataclass
class FaultInjector:
    plan: FaultPlan = field(default_factory=FaultPlan)
    injected: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._random = random.Random(self.plan.seed)

    def configure(self, plan: FaultPlan) -> None:
        self.plan = plan
        self._random = random.Random(plan.seed)

    def clear(self) -> None:
        self.configure(FaultPlan())

    @property
    def total_injected(self) -> int:
        return sum(self.injected.values())

    def decide(self, method: str) -> FaultDecision:
        plan = self.plan
        if plan.methods is not None and method not in plan.methods:
            return NO_FAULT
        delay = plan.slow_seconds if self._roll(plan.slow_rate, "slow") else 0.0
        before = self._before(method)
        after = None
        if (
            before is None
            and method != FILE_DOWNLOAD
            and self._roll(plan.fail_after_effect_rate, "fail_after_effect")
        ):
            after = plan.fail_after_effect_mode
        return FaultDecision(delay, before, after) if delay or before or after else NO_FAULT

    def _before(self, method: str) -> str | None:
        plan = self.plan
        refusal = plan.refuse_download_mode
        refusal_applies = (refusal == "too_big" and method == "getFile") or (
            refusal != "too_big" and method == FILE_DOWNLOAD
        )
        if refusal_applies and self._roll(plan.refuse_download_rate, "refuse_download"):
            return f"refuse:{refusal}"
        if self._roll(plan.drop_rate, "drop"):
            return "drop"
        if self._roll(plan.server_error_rate, "server_error"):
            return "server_error"
        if self._roll(plan.too_many_requests_rate, "too_many_requests"):
            return "too_many_requests"
        return None

    def _roll(self, rate: float, kind: str) -> bool:
        if rate <= 0:
            return False
        if self.plan.limit is not None and self.total_injected >= self.plan.limit:
            return False
        if rate >= 1 or self._random.random() < rate:
            self.injected[kind] += 1
            return True
        return False
