"""The probes (``GET /health``: liveness, ``GET /ready``: readiness) and ``GET /v1/model`` (the loaded
model's meta.json facts and the service limits)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from .. import models as m
from ..deps import Auth, get_runtime, require_ready
from ..errors import error_responses
from ..responses import JSONUTF8Response
from ..runtime import FAILED, READY, ModelRuntime
from ..settings import Settings


def probes_router() -> APIRouter:
    router = APIRouter(tags=["probes"])

    @router.get("/health", responses={200: {"model": m.HealthOut}, 503: {"model": m.HealthOut}})
    async def health(runtime: ModelRuntime = Depends(get_runtime)) -> JSONUTF8Response:
        """Liveness: answers as long as the worker's event loop runs; 503 only if the model failed to load."""
        failed = runtime.status == FAILED
        return JSONUTF8Response({"status": "failed" if failed else "ok", "model": runtime.status},
                                status_code=503 if failed else 200)

    @router.get("/ready", responses={200: {"model": m.ReadyOut}, 503: {"model": m.ReadyOut}})
    async def ready(runtime: ModelRuntime = Depends(get_runtime)) -> JSONUTF8Response:
        """Readiness: 200 once the model is loaded, 503 (with Retry-After) before that or if loading failed."""
        if runtime.status == READY and runtime.pipeline is not None:
            return JSONUTF8Response({"status": READY, "model": runtime.pipeline.model.to_dict()})
        body: dict[str, Any] = {"status": runtime.status}
        if runtime.error:
            body["error"] = runtime.error
        return JSONUTF8Response(body, status_code=503, headers={"Retry-After": "5"})

    return router


def model_router(settings: Settings, auth: Auth) -> APIRouter:
    router = APIRouter(tags=["model"])

    @router.get("/v1/model", dependencies=auth.read,
                responses={200: {"model": m.ModelInfoOut},
                           **error_responses(401 if settings.read_token_required else None, 500, 503)})
    async def model_info(runtime: ModelRuntime = Depends(get_runtime)) -> JSONUTF8Response:
        """The loaded model's name, version, labels and metrics (from its meta.json), and the service limits."""
        require_ready(runtime)
        pipeline = runtime.pipeline  # one reference: a reload may swap the model meanwhile
        assert pipeline is not None
        meta = pipeline.meta
        return JSONUTF8Response({
            "name": pipeline.model.name, "version": pipeline.model.version,
            "labels": list(meta.get("labels") or pipeline.tagger.labels),
            "metrics": meta.get("metrics"),
            "precision": pipeline.tagger.precision,
            "limits": {"max_doc_chars": settings.max_doc_chars, "max_batch_docs": settings.max_batch_docs,
                       "max_body_bytes": settings.max_body_bytes}})

    return router
