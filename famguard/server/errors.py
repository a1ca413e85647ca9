"""The one error shape of the API ({"error": {code, message, fields?}}), the exception that
carries it, and the handlers that give FastAPI's own 404/405/422 answers the same shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from famguard.server.strict_json import SafeJSONResponse

_STATUS_CODES = {
    400: ("bad_request", "The request could not be understood."),
    401: ("unauthorized", "Please sign in again."),
    403: ("forbidden", "This account cannot do that."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "That action is not supported here."),
    409: ("conflict", "That conflicts with the current state."),
    422: ("validation_failed", "Some values are not valid."),
}


class ApiError(Exception):
    """An error answer: HTTP status, a stable code, a plain-language message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = dict(fields) if fields else None
        self.headers = dict(headers) if headers else None


def not_found(what: str = "That") -> ApiError:
    return ApiError(404, "not_found", f"{what} was not found.")


def rate_limited(message: str, wait_seconds: int) -> ApiError:
    """429 `rate_limited`: `message` says what was refused; `Retry-After` says when to ask again."""
    return ApiError(429, "rate_limited", message, headers={"Retry-After": str(wait_seconds)})


def error_body(code: str, message: str, fields: Mapping[str, str] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = dict(fields)
    return {"error": error}


def error_response(exc: ApiError) -> JSONResponse:
    return SafeJSONResponse(error_body(exc.code, exc.message, exc.fields), status_code=exc.status, headers=exc.headers)


def _field_name(loc: tuple[Any, ...]) -> str:
    # ("body", "display_name") -> "display_name"; ("query", "from") -> "from"; ("body",) -> "body"
    parts = [str(p) for p in loc[1:]] or [str(loc[0]) if loc else "body"]
    return ".".join(parts)


def _message(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "This field is not part of the request."
    if kind == "missing":
        return "This field is required."
    if kind == "json_invalid":
        return "The body is not valid JSON."
    text = str(error.get("msg", "Not valid."))
    text = text.removeprefix("Value error, ")
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        fields: dict[str, str] = {}
        for error in errors:
            # A body that is not JSON is the body's fault, not a field's: its loc ends in the
            # character offset ("28"), which is no field name.
            name = "body" if error.get("type") == "json_invalid" else _field_name(tuple(error.get("loc", ())))
            fields.setdefault(name, _message(error))
        if errors and all(tuple(e.get("loc", ("",)))[0] in ("query", "path") for e in errors):
            return error_response(
                ApiError(400, "bad_request", "A parameter of the request is not valid.", fields=fields)
            )
        return error_response(ApiError(422, "validation_failed", "Some values are not valid.", fields=fields))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _STATUS_CODES.get(exc.status_code, ("error", "The request failed."))
        return error_response(ApiError(exc.status_code, code, message, headers=getattr(exc, "headers", None)))
