"""Text formatting: parse_mode markup to plain text + entities, like Telegram does.

Telegram stores the plain text and a list of entities (offsets in UTF-16 code units), and
rejects markup it cannot parse with "can't parse entities: ...". Reproducing that catches
unescaped user text in bot messages before real users see it.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ApiError, bad_request

Entity = dict[str, Any]

_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "code": "code", "pre": "pre", "a": "text_link",
    "blockquote": "blockquote", "span": "spoiler", "tg-emoji": "custom_emoji",
}  # fmt: skip
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_MD2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MD2_MARKERS = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough",
                "||": "spoiler"}  # fmt: skip
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{4,32}(?!\w)")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _parse_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def apply_parse_mode(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    mode = (parse_mode or "").strip().lower()
    if not mode:
        return text, []
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown(text, strict=True)
    if mode == "markdown":
        return _parse_markdown(text, strict=False)
    raise bad_request(f"unsupported parse_mode {parse_mode}")


def _parse_html(source: str) -> tuple[str, list[Entity]]:
    out: list[str] = []
    entities: list[Entity] = []
    stack: list[tuple[str, int, dict[str, str], int]] = []
    position = 0  # utf-16 length of `out`
    i = 0
    while i < len(source):
        char = source[i]
        if char == "<":
            end = source.find(">", i)
            if end < 0:
                raise _parse_error(f"Unclosed start tag at byte offset {_byte_offset(source, i)}")
            inner = source[i + 1 : end].strip()
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack or stack[-1][0] != name:
                    expected = f'"</{stack[-1][0]}>"' if stack else "none"
                    raise _parse_error(
                        f"Unmatched end tag at byte offset {_byte_offset(source, i)}, "
                        f'expected {expected}, found "</{name}>"'
                    )
                tag, start, attrs, _ = stack.pop()
                entity = _html_entity(tag, attrs, start, position - start)
                if entity is not None:
                    entities.append(entity)
            else:
                match = re.match(r"([A-Za-z][\w-]*)(.*)$", inner, re.S)
                name = match.group(1).lower() if match else ""
                if name not in _HTML_TAGS:
                    raise _parse_error(
                        f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, i)}'
                    )
                attrs = dict(re.findall(r'([\w-]+)\s*=\s*["\']([^"\']*)["\']', match.group(2)))
                stack.append((name, position, attrs, i))
            i = end + 1
            continue
        if char == "&":
            match = re.match(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);", source[i:])
            decoded = _decode_entity(match.group(1)) if match else None
            if match and decoded is not None:
                out.append(decoded)
                position += utf16_len(decoded)
                i += len(match.group(0))
                continue
        out.append(char)
        position += utf16_len(char)
        i += 1
    if stack:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _decode_entity(name: str) -> str | None:
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    return _NAMED_ENTITIES.get(name)


def _html_entity(tag: str, attrs: dict[str, str], offset: int, length: int) -> Entity | None:
    if length <= 0:
        return None
    kind = _HTML_TAGS[tag]
    entity: Entity = {"type": kind, "offset": offset, "length": length}
    if tag == "a":
        entity["url"] = attrs.get("href", "")
    elif tag == "span" and attrs.get("class") != "tg-spoiler":
        return None
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = attrs.get("emoji-id", "")
    return entity


def _parse_markdown(source: str, *, strict: bool) -> tuple[str, list[Entity]]:
    out: list[str] = []
    entities: list[Entity] = []
    open_marks: list[tuple[str, int, int]] = []
    position = 0
    i = 0

    def emit(text: str) -> None:
        nonlocal position
        out.append(text)
        position += utf16_len(text)

    while i < len(source):
        char = source[i]
        if char == "\\" and i + 1 < len(source) and (strict or source[i + 1] in "_*`["):
            emit(source[i + 1])
            i += 2
            continue
        if char == "`":
            fence = "```" if source.startswith("```", i) else "`"
            close = source.find(fence, i + len(fence))
            if close < 0:
                raise _unclosed(source, i, "Pre" if fence == "```" else "Code", strict)
            body = source[i + len(fence) : close]
            language = ""
            if fence == "```" and "\n" in body:
                first, rest = body.split("\n", 1)
                if first and " " not in first:
                    language, body = first, rest
            body = re.sub(r"\\([`\\])", r"\1", body) if strict else body
            start = position
            emit(body)
            entity: Entity = {"type": "pre" if fence == "```" else "code", "offset": start,
                              "length": position - start}  # fmt: skip
            if language:
                entity["language"] = language
            entities.append(entity)
            i = close + len(fence)
            continue
        if char == "[":
            match = re.match(r"\[((?:\\.|[^\]\\])*)\]\(((?:\\.|[^)\\])*)\)", source[i:], re.S)
            if match:
                inner_text, inner_entities = _parse_markdown(match.group(1), strict=strict)
                start = position
                emit(inner_text)
                for inner in inner_entities:
                    entities.append({**inner, "offset": inner["offset"] + start})
                url = re.sub(r"\\(.)", r"\1", match.group(2))
                entities.append({"type": "text_link", "offset": start,
                                 "length": position - start, "url": url})  # fmt: skip
                i += len(match.group(0))
                continue
        marker = _marker_at(source, i, strict)
        if marker:
            if open_marks and open_marks[-1][0] == marker:
                _, start, _ = open_marks.pop()
                if position > start:
                    entities.append({"type": _MD2_MARKERS[marker], "offset": start,
                                     "length": position - start})  # fmt: skip
            elif strict and any(mark == marker for mark, _, _ in open_marks):
                raise _unclosed(source, open_marks[-1][2], _MD2_MARKERS[open_marks[-1][0]], True)
            else:
                open_marks.append((marker, position, i))
            i += len(marker)
            continue
        if strict and char in _MD2_RESERVED and not (char == ">" and _line_start(source, i)):
            raise _parse_error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        if strict and char == ">" and _line_start(source, i):
            i += 1
            continue
        emit(char)
        i += 1
    if open_marks:
        mark, _, where = open_marks[-1]
        raise _unclosed(source, where, _MD2_MARKERS[mark], strict)
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _marker_at(source: str, i: int, strict: bool) -> str | None:
    if strict:
        for marker in ("||", "__", "*", "_", "~"):
            if source.startswith(marker, i):
                return marker
        return None
    return source[i] if source[i] in "*_" else None


def _line_start(source: str, i: int) -> bool:
    return i == 0 or source[i - 1] == "\n"


def _unclosed(source: str, index: int, kind: str, strict: bool) -> ApiError:
    offset = _byte_offset(source, index)
    if strict:
        name = kind[:1].upper() + kind[1:]
        return _parse_error(f"Can't find end of {name} entity at byte offset {offset}")
    return _parse_error(f"Can't find end of the entity starting at byte offset {offset}")


def detect_user_entities(text: str) -> list[Entity]:
    """The entities Telegram's apps attach to what people type: commands and @mentions."""
    entities: list[Entity] = []
    for pattern, kind in ((_COMMAND, "bot_command"), (_MENTION, "mention")):
        for match in pattern.finditer(text):
            entities.append({"type": kind, "offset": utf16_len(text[: match.start()]),
                             "length": utf16_len(match.group(0))})  # fmt: skip
    return sorted(entities, key=lambda e: e["offset"])


def entity_texts(text: str, entities: list[Entity], kind: str) -> list[str]:
    encoded = text.encode("utf-16-le")
    found = []
    for entity in entities:
        if entity["type"] == kind:
            start, length = entity["offset"] * 2, entity["length"] * 2
            found.append(encoded[start : start + length].decode("utf-16-le"))
    return found
