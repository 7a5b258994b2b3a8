"""Domain errors carry a message-catalog key and its parameters, never user-facing text.

Handlers turn them into short replies in the user's language (see `handlers/replies.py`).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain was broken by the request; the user can fix it."""

    key = "error.generic"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(f"{self.key} {params}")


class InvalidTransition(DomainError):
    key = "error.invalid_transition"

    def __init__(self, action: str, status: str, number: int | None = None) -> None:
        super().__init__(action=action, status=status, number=number)
        self.action = action
        self.status = status


class ReasonRequired(DomainError):
    key = "error.reason_required"

    def __init__(self, action: str) -> None:
        super().__init__(action=action)


class TicketNotFound(DomainError):
    key = "error.ticket_not_found"

    def __init__(self, number: int) -> None:
        super().__init__(number=number)


class NotPermitted(DomainError):
    key = "error.not_permitted"

    def __init__(self, action: str, number: int | None = None) -> None:
        super().__init__(action=action, number=number)


class UnknownDepartment(DomainError):
    key = "error.unknown_department"

    def __init__(self, department: str) -> None:
        super().__init__(department=department)


class UnknownCategory(DomainError):
    key = "error.unknown_category"

    def __init__(self, category: str) -> None:
        super().__init__(category=category)


class DuplicateOfItself(DomainError):
    key = "error.duplicate_of_itself"

    def __init__(self, number: int) -> None:
        super().__init__(number=number)
