"""The services one running server (or one CLI command) works with."""

from __future__ import annotations

from dataclasses import dataclass

from journeyapi.actiontargets.service import ActionTargetService
from journeyapi.analytics.service import AnalyticsService
from journeyapi.auth.service import AuthService
from journeyapi.clock import Clock, SystemClock
from journeyapi.config import Settings
from journeyapi.storage.database import Database, open_database


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    auth: AuthService
    action_targets: ActionTargetService
    analytics: AnalyticsService

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Services:
        clock = clock or SystemClock()
        db = open_database(settings.database_url)
        return cls(
            settings=settings,
            db=db,
            clock=clock,
            auth=AuthService(db, clock, settings.token_lifetime_seconds),
            action_targets=ActionTargetService(db, clock),
            analytics=AnalyticsService(db, settings),
        )

    def close(self) -> None:
        self.analytics.close()
        self.db.close()
