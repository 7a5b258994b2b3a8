"""Who is looking at a page: the person of a web session, with their roles from the
configuration (read at every request, so a change of roles takes effect at once)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.identity import short
from handlers.directory import Directory
from messaging.inbound import Person
from storage.repositories.web_access import WebSession


@dataclass(frozen=True)
class Viewer:
    person_id: str
    name: str
    language: str
    csrf_token: str
    session_hash: str
    admin: bool
    departments: tuple[str, ...]

    @property
    def staff(self) -> bool:
        return self.admin or bool(self.departments)

    def person(self) -> Person:
        """The person as the chat's handlers know them, for `perform`."""
        return Person(id=self.person_id, first_name=self.name, language=self.language)


def viewer_of(session: WebSession, session_hash: str, directory: Directory) -> Viewer:
    person = session.person_id
    return Viewer(
        person_id=person,
        name=directory.person_name(person, session.person_name or short(person)),
        language=session.language,
        csrf_token=session.csrf_token,
        session_hash=session_hash,
        admin=directory.is_admin(person),
        departments=tuple(d.id for d in directory.departments_of(person)),
    )
