"""The JSON response class of the service: compact UTF-8 JSON (Chinese stays readable),
falling back to ASCII escapes when a string cannot be encoded (a lone surrogate echoed
back from the request), and writing a non-finite number (NaN, Infinity — which a store
filled before the door refused them may still hold) as null, since strict JSON has no
such numbers; rendering a response never fails on odd data.
"""
from __future__ import annotations

import json
import math
from typing import Any

from fastapi.responses import JSONResponse


def _finite(value: Any) -> Any:
    """``value`` with every NaN/Infinity replaced by None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


class JSONUTF8Response(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        try:
            return self._dump(content)
        except ValueError as exc:  # "Out of range float values are not JSON compliant"
            if isinstance(exc, UnicodeEncodeError):
                raise
            return self._dump(_finite(content))

    @staticmethod
    def _dump(content: Any) -> bytes:
        try:
            return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")
