"""Assertions on the contract's shapes, shared by the router tests."""

from __future__ import annotations

from typing import Any

import httpx

API = "/api/v1"


def assert_page(
    response: httpx.Response, *, total: int, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    """A 200 list response in the contract's shape; returns its items."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"items", "total", "limit", "offset"}
    assert (body["total"], body["limit"], body["offset"]) == (total, limit, offset)
    items: list[dict[str, Any]] = body["items"]
    return items


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """An error response in the contract's shape; returns its `error` object."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)
    return error


def codes(items: list[dict[str, Any]]) -> list[str]:
    return [item["code"] for item in items]
