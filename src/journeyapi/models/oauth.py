"""The OAuth token endpoint's answers, in the snake_case OAuth itself uses."""

from __future__ import annotations

from pydantic import BaseModel


class AccessTokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class OAuthError(BaseModel):
    error: str
    description: str
    error_description: str
