"""What the web app is built from: the composition root hands these over."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.settings import Settings
from bot.settings_web import WebSection
from bot.web.areas import AreaIndex
from domain.clock import Clock
from handlers.context import Context
from handlers.directory import Directory
from handlers.media import MediaStore
from storage.uow import UnitOfWork, UnitOfWorkFactory


@dataclass
class WebDeps:
    settings: Settings
    uows: UnitOfWorkFactory
    # A handler context around a unit of work: the same the chat's handlers get.
    context: Callable[[UnitOfWork], Context]
    # Wakes the outbox sender and the scheduler after a change committed.
    after_commit: Callable[[Context], None]
    clock: Clock
    directory: Directory
    media: MediaStore
    areas: AreaIndex

    @property
    def web(self) -> WebSection:
        return self.settings.web
