"""Assertions on the Genesys error body that several areas' tests share."""

from __future__ import annotations

from typing import Any


def assert_invalid_value(response: Any, value: str, field: str, allowed: str) -> None:
    """A 400 ``invalid.value`` naming ``field``, ``value`` and what is allowed."""
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid.value"
    assert body["status"] == 400
    assert body["message"] == (
        f"Value [{value}] is not valid for field type [{field}]. "
        f"Allowable values are: {allowed}"
    )
    assert body["messageParams"] == {"value": value, "field": field, "allowed": allowed}
    assert body["details"] == [{"errorCode": "invalid.value", "fieldName": field}]
    assert body["contextId"] == response.headers["ININ-Correlation-Id"]
