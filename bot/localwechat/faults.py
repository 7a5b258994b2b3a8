"""Faults the local WeChat server injects on demand: an errcode instead of the answer, a
slow answer (the client's timeout), an HTTP error. Each is aimed at one API path and used up
after `times` calls, so a test says exactly what goes wrong and when."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    errcode: int | None = None
    errmsg: str = "injected fault"
    delay_s: float = 0.0
    http_status: int | None = None


class Faults:
    def __init__(self) -> None:
        self._queued: dict[str, deque[Fault]] = defaultdict(deque)
        self.injected: list[tuple[str, Fault]] = []

    def add(self, path: str, fault: Fault, times: int = 1) -> None:
        """The next `times` calls of `path` (e.g. "/cgi-bin/message/custom/send") fail so."""
        for _ in range(times):
            self._queued[path].append(fault)

    def fail(self, path: str, errcode: int, times: int = 1, errmsg: str = "injected") -> None:
        self.add(path, Fault(errcode=errcode, errmsg=errmsg), times)

    def delay(self, path: str, seconds: float, times: int = 1) -> None:
        self.add(path, Fault(delay_s=seconds), times)

    def http_error(self, path: str, status: int = 502, times: int = 1) -> None:
        self.add(path, Fault(http_status=status), times)

    def take(self, path: str) -> Fault | None:
        queue = self._queued.get(path)
        if not queue:
            return None
        fault = queue.popleft()
        self.injected.append((path, fault))
        return fault

    def pending(self) -> int:
        return sum(len(q) for q in self._queued.values())
