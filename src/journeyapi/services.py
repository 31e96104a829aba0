"""The services one running server (or one CLI command) works with."""

from __future__ import annotations

from dataclasses import dataclass

from journeyapi.actiontargets.service import ActionTargetService
from journeyapi.auth.ratelimit import RateLimiter, rate_limiter
from journeyapi.auth.service import AuthService
from journeyapi.clock import Clock, SystemClock
from journeyapi.config import Settings
from journeyapi.faults.service import FaultService
from journeyapi.limits import Limits
from journeyapi.storage.database import Database, open_database


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    auth: AuthService
    action_targets: ActionTargetService
    limits: Limits
    rate_limiter: RateLimiter
    faults: FaultService

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
            limits=Limits.from_settings(settings),
            rate_limiter=rate_limiter(
                settings.rate_limit_per_minute, settings.rate_limit_store, clock, db
            ),
            faults=FaultService(db, clock, settings.fault_refresh_seconds),
        )

    def close(self) -> None:
        self.db.close()
