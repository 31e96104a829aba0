"""What a batch of new events mentions: one row per session and per identity."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from journeyapi.analytics.events import Batch, row_of
from journeyapi.analytics.mentions import mentions_of


def table(*events: dict[str, Any]) -> Any:
    batch = Batch()
    for item in events:
        row = row_of(item)
        assert not isinstance(row, str), row
        batch.add(row)
    return batch.table()


def event(at: str, session: str | None, **values: str) -> dict[str, Any]:
    return {
        "id": f"{session}-{at}-{len(values)}",
        "eventType": "webActionOffered",
        "eventTime": at,
        "sessionId": session,
        **values,
    }


ANN = {"journeyCustomerIdType": "email", "journeyCustomerId": "ann@x"}
BOB = {"journeyCustomerIdType": "cookie", "journeyCustomerId": "bob"}


def millis(at: str) -> int:
    return int(datetime.fromisoformat(at).timestamp() * 1000)


def test_a_session_takes_its_first_named_customer_earliest_time_and_first_type() -> (
    None
):
    mentions = mentions_of(
        table(
            event("2020-11-02T10:00:05Z", "s1"),
            event("2020-11-02T10:00:09Z", "s1", **ANN, journeySessionType=""),
            event("2020-11-02T10:00:01.250Z", "s1", **BOB, journeySessionType="app"),
            event("2020-11-02T10:00:03Z", "s1", journeySessionType="web"),
        )
    )

    assert mentions.sessions == [
        ("s1", "app", "email", "ann@x", millis("2020-11-02T10:00:01.250+00:00"))
    ]
    # Only the customer the session belongs to is mentioned, not every one named.
    assert [row[:2] for row in mentions.identities] == [("email", "ann@x")]


def test_sessions_without_a_customer_are_left_out_and_lone_customers_kept() -> None:
    mentions = mentions_of(
        table(
            event("2020-11-02T10:00:00Z", "orphan"),
            event("2020-11-02T10:00:00Z", "half", journeyCustomerIdType="email"),
            event("2020-11-02T10:00:00Z", "empty", journeyCustomerIdType="email",
                  journeyCustomerId=""),
            event("2020-11-02T10:00:00Z", None, **BOB),
            event("2020-11-02T10:01:00Z", "s2", **BOB),
        )
    )  # fmt: skip

    assert [row[0] for row in mentions.sessions] == ["s2"]
    assert mentions.sessions[0][1] is None
    identities = [row[:2] for row in mentions.identities]
    assert identities == [("cookie", "bob")]
    # The customer to make, should the pair be new, is a fresh UUID.
    assert len(mentions.identities[0][2]) == 36


def test_times_before_1970_floor_to_the_millisecond() -> None:
    mentions = mentions_of(table(event("1969-12-31T23:59:59.9995Z", "old", **ANN)))

    assert mentions.sessions[0][4] == -1


def test_nothing_is_mentioned_by_no_events() -> None:
    mentions = mentions_of(table())

    assert (mentions.identities, mentions.sessions, bool(mentions)) == ([], [], False)


def test_ids_the_api_could_not_address_make_no_session_or_identity() -> None:
    slashed = {"journeyCustomerIdType": "co/okie", "journeyCustomerId": "c1"}
    mentions = mentions_of(
        table(
            event("2020-11-02T10:00:01Z", "a/b", **ANN),
            event("2020-11-02T10:00:02Z", "..", **BOB),
            event("2020-11-02T10:00:03Z", "s1", **slashed),
            event("2020-11-02T10:00:04Z", "s1", **ANN),
        )
    )

    # The customers are still those named; s1 takes the first it can address.
    assert mentions.sessions == [
        ("s1", None, "email", "ann@x", millis("2020-11-02T10:00:03Z"))
    ]
    assert sorted(row[:2] for row in mentions.identities) == [
        ("cookie", "bob"),
        ("email", "ann@x"),
    ]
