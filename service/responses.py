"""The JSON response class of the service: compact UTF-8 JSON (Chinese stays readable),
falling back to ASCII escapes when a string cannot be encoded (a lone surrogate echoed
back from the request), so that rendering a response never fails on odd input.
"""
from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse


class JSONUTF8Response(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        try:
            return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")
