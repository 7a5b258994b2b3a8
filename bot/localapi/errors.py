"""Bot API errors in Telegram's words and shape.

Handlers raise `ApiError`; the server turns it into
`{"ok": false, "error_code": N, "description": "...", "parameters": {...}}`.
The descriptions are copied from what api.telegram.org answers, because bot code (and aiogram)
branch on them, e.g. "message is not modified".
"""

from __future__ import annotations

from typing import Any

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    return ApiError(403, f"Forbidden: {detail}")


def conflict(detail: str) -> ApiError:
    return ApiError(409, f"Conflict: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    seconds = max(1, int(retry_after))
    return ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)


def unauthorized() -> ApiError:
    return ApiError(401, "Unauthorized")


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def server_error(code: int = 500) -> ApiError:
    return ApiError(code, "Bad Gateway" if code == 502 else "Internal Server Error")


def chat_not_found() -> ApiError:
    return bad_request("chat not found")


WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
    "webhook first"
)
OTHER_GETUPDATES = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
