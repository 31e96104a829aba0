"""The services one running server (or one CLI command) works with."""

from __future__ import annotations

from dataclasses import dataclass

from journeyapi.actiontargets.service import ActionTargetService
from journeyapi.analytics.service import AnalyticsService
from journeyapi.auth.ratelimit import RateLimiter, rate_limiter
from journeyapi.auth.service import AuthService
from journeyapi.clock import Clock, SystemClock
from journeyapi.config import Settings
from journeyapi.faults.service import FaultService
from journeyapi.limits import Limits
from journeyapi.segments.assignments import AssignmentService
from journeyapi.segments.catalog import SegmentService
from journeyapi.segments.contacts import ExternalContactService
from journeyapi.segments.customers import CustomerService
from journeyapi.segments.sessions import SessionService
from journeyapi.storage.database import Database, open_database


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    auth: AuthService
    action_targets: ActionTargetService
    analytics: AnalyticsService
    segments: SegmentService
    customers: CustomerService
    external_contacts: ExternalContactService
    sessions: SessionService
    assignments: AssignmentService
    limits: Limits
    rate_limiter: RateLimiter
    faults: FaultService

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Services:
        clock = clock or SystemClock()
        db = open_database(settings.database_url)
        limits = Limits.from_settings(settings)
        customers = CustomerService(db, clock)
        contacts = ExternalContactService(db, clock, customers)
        sessions = SessionService(db, clock, customers)
        return cls(
            settings=settings,
            db=db,
            clock=clock,
            auth=AuthService(db, clock, settings.token_lifetime_seconds),
            action_targets=ActionTargetService(db, clock),
            segments=SegmentService(db, clock),
            customers=customers,
            external_contacts=contacts,
            sessions=sessions,
            assignments=AssignmentService(
                db,
                clock,
                customers,
                contacts,
                sessions,
                limits.assignment_updates,
            ),
            analytics=AnalyticsService(
                db, settings, on_accepted=customers.record_from_events
            ),
            limits=limits,
            rate_limiter=rate_limiter(
                settings.rate_limit_per_minute, settings.rate_limit_store, clock, db
            ),
            faults=FaultService(db, clock, settings.fault_refresh_seconds),
        )

    def close(self) -> None:
        self.analytics.close()
        self.db.close()
