"""What the route modules share: the app's settings, model runtime and store (kept on ``app.state``
by ``create_app``), the API-token dependencies and the readiness check."""
from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .errors import ApiError
from .runtime import FAILED, READY, ModelRuntime
from .settings import Settings


def get_settings(request: Request) -> Settings:
    """The settings of the app serving ``request``."""
    return request.app.state.settings


def get_runtime(request: Request) -> ModelRuntime:
    """The model runtime of the app serving ``request``."""
    return request.app.state.runtime


def require_ready(runtime: ModelRuntime) -> None:
    """503 (with Retry-After) until the model is loaded, or when loading failed."""
    if runtime.status != READY:
        message = ("the model is still loading; retry shortly" if runtime.status != FAILED
                   else f"the model could not be loaded: {runtime.error}")
        raise ApiError(503, "model_not_ready", message, headers={"Retry-After": "5"})


def token_check(token: str):  # noqa: ANN201
    """A dependency that answers 401 unless the request carries ``Authorization: Bearer <token>``."""
    bearer = HTTPBearer(auto_error=False, description="the service's API token (ZHIE_API_TOKEN)")
    expected = token.encode("utf-8")

    async def check_token(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
        if credentials is None or not hmac.compare_digest(credentials.credentials.encode("utf-8"), expected):
            raise ApiError(401, "unauthorized", "missing or wrong API token: send 'Authorization: Bearer <token>'",
                           headers={"WWW-Authenticate": "Bearer"})

    return check_token


@dataclass(frozen=True)
class Auth:
    """The route dependencies of writing and of reading endpoints (empty: open)."""

    write: list = field(default_factory=list)
    read: list = field(default_factory=list)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Auth":
        write = [Depends(token_check(settings.api_token))] if settings.api_token else []
        return cls(write=write, read=write if settings.read_token_required else [])
