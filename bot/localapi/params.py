"""Reading Bot API parameters the way Telegram does.

A call may arrive as a query string, a url-encoded or multipart form, or a JSON body. In forms
every value is a string and structured values (reply_markup, reply_parameters, ...) are JSON
strings; in a JSON body they are already objects. Files come either as a multipart part named
after the parameter or, as aiogram sends them, as `attach://<part name>`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .errors import ApiError, bad_request


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str | None
    data: bytes


class Params:
    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def raw(self, name: str) -> Any:
        return self._values.get(name)

    def items(self) -> list[tuple[str, Any]]:
        return list(self._values.items())

    def has(self, name: str) -> bool:
        value = self._values.get(name)
        return value is not None and value != ""

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self._values.get(name)
        if value is None or isinstance(value, Upload):
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def required_text(self, name: str, missing: str | None = None) -> str:
        value = self.text(name)
        if not value:
            raise bad_request(missing or f"{name} is empty")
        return value

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self._values.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def required_integer(self, name: str, missing: str | None = None) -> int:
        value = self.integer(name)
        if value is None:
            raise bad_request(missing or f"{name} is empty")
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self._values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in {"1", "true", "yes", "on"}

    def number(self, name: str, default: float | None = None) -> float | None:
        value = self._values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def obj(self, name: str, error: str | None = None) -> Any:
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(error or f"can't parse {name} JSON object") from None

    def file(self, name: str) -> Upload | str | None:
        """An uploaded file, or the string the caller gave (a file_id or URL)."""
        value = self._values.get(name)
        if isinstance(value, Upload):
            return value
        if isinstance(value, str) and value.startswith("attach://"):
            attached = self._values.get(value.removeprefix("attach://"))
            if not isinstance(attached, Upload):
                raise bad_request(f"there is no {name} in the request")
            return attached
        return value or None

    def chat_id(self, name: str = "chat_id") -> int | str:
        """A numeric chat id, or an `@username` string for public chats."""
        value = self._values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if isinstance(value, str) and value.startswith("@"):
            return value
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None


async def read_params(request: web.Request) -> Params:
    values: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.body_exists:
        return Params(values)
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON") from None
        if isinstance(body, dict):
            values.update(body)
    elif content_type == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not hasattr(part, "filename") or part.name is None:
                continue
            data = await part.read()
            if part.filename:
                # Repeated file parts (an album picked in a browser) keep their order.
                name, copies = part.name, 1
                while name in values:
                    copies += 1
                    name = f"{part.name}[{copies}]"
                values[name] = Upload(
                    filename=part.filename,
                    content_type=part.headers.get("Content-Type"),
                    data=bytes(data),
                )
            else:
                values[part.name] = bytes(data).decode("utf-8", errors="replace")
    else:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                values[key] = Upload(value.filename, value.content_type, value.file.read())
            else:
                values[key] = value
    return Params(values)
