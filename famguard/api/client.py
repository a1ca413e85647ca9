"""ApiClient: one method per API v1 operation (famguard/server/API.md), returning domain objects.

This is the only module that calls `requests`: every call passes a (connect, read) timeout and
has an overall deadline (a trickled answer cannot hold it: famguard.api.http_session), redirects
are followed here (to the same origin only: another one is refused, as a 307 would re-send a
password or a refresh token there), transient failures are retried with capped jittered backoff,
an expired access token is refreshed once (single-flight) and every failure becomes an ApiError.
All methods block; call them from a worker thread."""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import requests
import urllib3
from requests.structures import CaseInsensitiveDict

from famguard.api import errors as e
from famguard.api import parsing as p
from famguard.api.http_session import answer_read, overall_deadline
from famguard.api.tokens import TokenManager
from famguard.api.transport import (
    RETRY_STATUSES,
    RetryPolicy,
    check_server_url,
    may_carry_authorization,
    origin_words,
    parse_retry_after,
    retry_at,
)
from famguard.domain.controls import Controls
from famguard.domain.models import (
    Account,
    ActivityEntry,
    GuardianLink,
    GuardianRequest,
    Pairing,
    PhoneStatus,
    TeenSummary,
    TemporaryRule,
    TimeRequest,
    UsageDay,
)

DEFAULT_TIMEOUT = (3.05, 10.0)
EVENTS_MARGIN = 10.0  # seconds on top of a long-poll's `wait`, so a slow answer is not a timeout
# The time an answer may take in all beyond its (connect, read) timeouts: a slow link's biggest
# answer, far more than any of ours needs, and an end to one trickled a byte at a time.
OVERALL_MARGIN = 30.0
MAX_BODY_BYTES = 4 * 1024 * 1024  # no reply of the contract comes near this; a bigger one is not ours
MAX_REDIRECTS = 5
_IDEMPOTENT_METHODS = {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"}


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Mapping[str, str]
    body: bytes
    tries: int = 1  # how many times the request was sent to get it

    def json(self) -> Any:
        if not self.body:
            raise e.ProtocolError("The service sent an empty answer where FamGuard expected data.")
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise e.ProtocolError("The service sent an answer that is not the data FamGuard expects.") from None


@dataclass(frozen=True)
class Versioned:
    """Controls with the ETag (a quoted string, sent back verbatim in If-Match)."""

    controls: Controls
    etag: str


def _causes(exc: BaseException) -> list[BaseException]:
    """`exc` and what it wraps, outermost first (requests wraps urllib3's, which wraps the socket's)."""
    seen: BaseException | None = exc
    chain: list[BaseException] = []
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        nested = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        reason = getattr(seen, "reason", None)  # urllib3's wrapped error; an SSLError's is text
        seen = (reason if isinstance(reason, BaseException) else None) or nested or seen.__cause__ or seen.__context__
    return chain


def _malformed_head(exc: requests.RequestException) -> bool:
    """Whether the service answered with a head no HTTP client can read (more than 100 header
    lines, a line of megabytes, no status line): the service's problem, not the connection's —
    it was said "Can't reach the service" (an attacker's server). A connection closed before any
    answer (RemoteDisconnected, which is also a BadStatusLine) is the connection's."""
    return any(
        isinstance(item, http.client.HTTPException) and not isinstance(item, ConnectionError) for item in _causes(exc)
    )


def _refused(exc: requests.RequestException) -> bool:
    """Whether nothing listens at the service's address (the connection refused)."""
    return any(isinstance(item, ConnectionRefusedError) for item in _causes(exc))


def _unreachable(exc: requests.RequestException, url: str, *, answered_before: bool = False) -> str:
    """Why the service could not be reached, told apart as far as the error says: nothing listens
    on that port, the name is unknown, or no route. (Whether changes are kept is the caller's to
    say: at sign-in there are none.) A service that has answered this client before is not told
    to check its port: it was right, and the service has stopped (an outside tester was told to
    check the port of an address that had worked all along)."""
    parts = urlsplit(url)
    host = parts.hostname or url
    port = parts.port or (443 if parts.scheme == "https" else 80)
    chain = _causes(exc)
    if _refused(exc):
        if answered_before:
            return f"Nothing answers at {host} on port {port} any more: the service has stopped or is restarting."
        return f"Nothing answers at {host} on port {port}. Check the port in the service address."
    if any(isinstance(item, socket.gaierror) or "NameResolution" in type(item).__name__ for item in chain):
        return f"FamGuard can't find {host}. Check the service address and the internet connection."
    return f"FamGuard can't reach {host}. Check the internet connection."


def _not_secure(exc: requests.exceptions.SSLError, url: str) -> str:
    """Why no secure connection was made, in words a guardian can act on: the address answers,
    but not in HTTPS (a plain web server, often a port typed wrong), or its certificate is not
    one this computer trusts (a home server's own certificate, an address that belongs to
    someone else). FamGuard never connects without a trusted certificate."""
    parts = urlsplit(url)
    host = parts.hostname or url
    port = parts.port or 443
    said = " ".join(str(arg) for arg in exc.args).lower()
    if "wrong version number" in said or "record layer failure" in said or "unknown protocol" in said:
        return (
            f"{host} answers on port {port}, but not over a secure connection (https). Check the "
            "port in the service address; a service on this computer may use http://."
        )
    return (
        f"{host} could not prove it is the service you asked for: its certificate is not one this "
        "computer trusts, so FamGuard did not connect. Check the service address; a service with "
        "its own certificate needs one from a recognised authority."
    )


def _never_sent(exc: requests.RequestException) -> bool:
    """True when the connection failed before the request could reach the server."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


class ApiClient:
    """The FamGuard API v1 for one server.

    `tokens` holds the sign-in (None for the unauthenticated calls only). `sleep` and `retry` are
    injectable so tests need not wait. Thread-safe: share one instance between worker threads."""

    def __init__(
        self,
        base_url: str,
        session: requests.Session,
        *,
        tokens: TokenManager | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008 - frozen dataclass, safe as a default
        sleep: Callable[[float], None] = time.sleep,
        overall_margin: float = OVERALL_MARGIN,
    ) -> None:
        self.base_url = check_server_url(base_url)
        self.session = session
        self.session.verify = True
        self.tokens = tokens if tokens is not None else TokenManager()
        self.timeout = timeout
        self.retry = retry
        self.overall_margin = overall_margin
        self._sleep = sleep
        self.refresh_count = 0  # refresh requests this client sent (tests and diagnostics)
        self.answered = False  # the service has answered this client (a remembered sign-in: its account) before
        self._count_lock = threading.Lock()

    # --- transport -----------------------------------------------------------------------

    def _overall(self, timeout) -> float:
        """The seconds one call may take in all, every try of it included."""
        connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        return float(connect + read + self.overall_margin)

    def _send_once(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None, timeout, ends_at: float
    ) -> Reply:
        seconds = ends_at - time.monotonic()
        if seconds <= 0:
            raise self._too_slow(timeout)
        # The watchdog ending the call, whatever the read met then (or a quiet end of an answer
        # without a length), is the deadline's: not tried again within this call, as each try
        # would take as long (four of them kept a change "saving…" for three minutes); the sync
        # engine sends it again later.
        with overall_deadline(seconds) as deadline:
            try:
                reply = self._follow(method, url, headers, body, timeout)
            except requests.RequestException:
                if deadline.expired:
                    raise self._too_slow(timeout) from None
                raise
            if deadline.expired:
                raise self._too_slow(timeout)
            return reply

    def _too_slow(self, timeout) -> e.AnswerTooSlow:
        return e.AnswerTooSlow(
            f"The service had not answered after {self._overall(timeout):.0f} s, so FamGuard stopped waiting."
        )

    def _follow(self, method: str, url: str, headers: dict[str, str], body: bytes | None, timeout) -> Reply:
        for _ in range(MAX_REDIRECTS + 1):
            response = self.session.request(
                method,
                url,
                headers=headers,
                data=body,
                timeout=timeout,
                allow_redirects=False,
                stream=True,
                auth=_headers_only,
                verify=True,  # certificate checks are never off, whatever the session says
            )
            try:
                location = response.headers.get("Location")
                if response.status_code in (301, 302, 303, 307, 308) and location:
                    target = urljoin(url, location)
                    try:
                        check_server_url(target.split("?", 1)[0].split("#", 1)[0])
                    except e.InsecureServerUrl:
                        raise e.InsecureServerUrl(
                            "The service tried to send FamGuard to an address that is not secure; nothing was sent."
                        ) from None
                    if not may_carry_authorization(url, target):  # the same origin only
                        # Not followed at all: a 307/308 re-sends the body, which holds the
                        # password (sign-in) or the refresh token (renewal), to whoever it names;
                        # and https to plain http on this machine is another origin too.
                        raise e.ProtocolError(
                            f"The service at {origin_words(url)} sent FamGuard to another address "
                            f"({origin_words(target)}); nothing was sent there. If the service has "
                            "moved, change its address in Preferences."
                        )
                    if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                        method, body = "GET", None
                        headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
                    url = target
                    continue
                return Reply(response.status_code, CaseInsensitiveDict(response.headers), self._read_body(response))
            finally:
                answer_read()  # before the connection goes back to the pool, where another call takes it
                response.close()
        raise e.ProtocolError("The service redirected FamGuard too many times.")

    @staticmethod
    def _read_body(response: requests.Response) -> bytes:
        chunks, size = [], 0
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise e.ProtocolError("The service sent a far bigger answer than FamGuard expects.")
            chunks.append(chunk)
        return b"".join(chunks)

    def _send(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None, timeout, *, retriable: bool
    ) -> Reply:
        """One logical request with retries. `retriable` means sending it twice is harmless
        (idempotent method, or an Idempotency-Key); otherwise only failures that prove the
        request never left, and 429 (which the server answers before doing anything), are retried."""
        url = self.base_url + path
        last = self.retry.attempts - 1
        # One deadline for the whole call, every try and the waits between them: an answer that
        # stopped just short of it and then failed was tried again with a deadline of its own, and
        # one call took 150 s (an attacker's server).
        ends_at = time.monotonic() + self._overall(timeout)
        for attempt in range(self.retry.attempts):
            try:
                reply = self._send_once(method, url, headers, body, timeout, ends_at)
                self.answered = True
            except requests.Timeout as exc:
                if attempt < last and (retriable or _never_sent(exc)):
                    self._sleep(self.retry.delay(attempt))
                    continue
                if isinstance(exc, requests.ConnectTimeout):
                    raise e.TimedOut(
                        "FamGuard could not connect to the service in time. Check the internet connection."
                    ) from None
                # A read timeout: the request went out, but whether the service got it cannot be
                # known (a proxy that holds requests looks the same): said so (an outside tester).
                raise e.NotAnswering(
                    "FamGuard sent its request, but no answer came back: the service may be stuck or "
                    "overloaded, or something on the way (a proxy, the network) may be holding it."
                ) from None
            except requests.exceptions.ChunkedEncodingError:
                if attempt < last and retriable:
                    self._sleep(self.retry.delay(attempt))
                    continue
                raise e.ProtocolError("The answer from the service was cut off.") from None
            except requests.exceptions.SSLError as exc:  # (a ConnectionError too: caught first)
                raise e.NetworkUnreachable(_not_secure(exc, url)) from None
            except requests.ConnectionError as exc:
                if _malformed_head(exc):
                    raise e.ProtocolError("The service sent an answer FamGuard cannot read (a broken head).") from None
                if attempt < last and (retriable or _never_sent(exc)):
                    self._sleep(self.retry.delay(attempt))
                    continue
                words = _unreachable(exc, url, answered_before=self.answered)
                if self.answered and _refused(exc):
                    raise e.ServiceStopped(words) from None
                raise e.NetworkUnreachable(words) from None
            except requests.exceptions.InvalidURL:
                raise e.InsecureServerUrl("The service address is not valid.") from None
            except requests.RequestException:  # content decoding, …: all protocol trouble
                raise e.ProtocolError("The connection to the service broke in an unexpected way.") from None
            if reply.status in RETRY_STATUSES and attempt < last and (retriable or reply.status == 429):
                wait = parse_retry_after(reply.headers.get("Retry-After"))
                if reply.status == 429 and wait is not None and wait > self.retry.max_retry_after:
                    return reply  # too long to wait here: _raise_for turns it into RateLimited
                self._sleep(min(wait, self.retry.max_retry_after) if wait is not None else self.retry.delay(attempt))
                continue
            return replace(reply, tries=attempt + 1) if attempt else reply
        raise AssertionError("unreachable")  # pragma: no cover

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: bool = True,
        idempotency_key: str | None = None,
        replayable: bool = False,
        gone_when_repeated: bool = False,
        timeout=None,
        ok: tuple[int, ...] = (200,),
    ) -> Reply:
        """`replayable`: the service answers this request sent twice as it answered it once
        (a POST whose repeat it recognizes), so a lost reply may be asked again.
        `gone_when_repeated`: a DELETE whose 404 after a second try means done — the first
        removed it and its reply was lost ("not found" for a rule just removed, before)."""
        if params:
            query = "&".join(f"{quote(str(k))}={quote(str(v))}" for k, v in params.items() if v is not None)
            path = f"{path}?{query}" if query else path
        sent_headers = {"Accept": "application/json", **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent_headers["Content-Type"] = "application/json"
        if idempotency_key:
            sent_headers["Idempotency-Key"] = idempotency_key
        retriable = method in _IDEMPOTENT_METHODS or bool(idempotency_key) or replayable
        timeout = timeout or self.timeout
        for refreshed in (False, True):
            access = None
            if auth:
                access = self.tokens.access_token
                if access is None:
                    self._refresh(None)
                    access = self.tokens.access_token
                sent_headers["Authorization"] = f"Bearer {access}"
            reply = self._send(method, path, sent_headers, data, timeout, retriable=retriable)
            if auth and not refreshed and reply.status == 401 and _error_code(reply) == "token_expired":
                self._refresh(access)
                continue
            if reply.status in ok or (gone_when_repeated and reply.status == 404 and reply.tries > 1):
                return reply
            _raise_for(reply)
        _raise_for(reply)
        raise AssertionError("unreachable")  # pragma: no cover

    def _refresh(self, stale_access: str | None) -> None:
        """Swap the refresh token for a new pair, once however many threads found `stale_access`
        expired: the first takes the lock and refreshes, the others find a new token and return."""
        with self.tokens.refresh_lock:
            current = self.tokens.access_token
            if current is not None and current != stale_access:
                return
            refresh_token = self.tokens.refresh_token
            if refresh_token is None:
                raise e.SignedOut("You're signed out. Please sign in again.")
            with self._count_lock:
                self.refresh_count += 1
            # Never retried within this call: a refresh token works once. A later call's try with
            # the same token carries the same retry key, which the service answers again if the
            # first try's answer was lost (rather than end the sign-in as for a stolen copy).
            reply = self._send(
                "POST",
                "/v1/auth/refresh",
                {"Accept": "application/json", "Content-Type": "application/json"},
                json.dumps({"refresh_token": refresh_token, "retry_key": self.tokens.retry_key}).encode(),
                self.timeout,
                retriable=False,
            )
            if reply.status in (400, 401, 403, 422):
                self.tokens.clear()
                if self.tokens.on_signed_out is not None:
                    self.tokens.on_signed_out()
                raise e.SignedOut("Your sign-in has ended. Please sign in again.", code=_error_code(reply))
            if reply.status != 200:
                _raise_for(reply)
            access, refresh, _ = p.parse_token_pair(reply.json())
            self.tokens.set(access, refresh)

    # --- accounts and sessions ----------------------------------------------------------

    def health(self) -> bool:
        reply = self._call("GET", "/v1/health", auth=False)
        return p.text(p.obj(reply.json(), "health"), "status", "health") == "ok"

    def create_account(
        self, email: str, password: str, display_name: str, role: str, birth_date: date | None = None
    ) -> Account:
        body: dict[str, Any] = {"email": email, "password": password, "display_name": display_name, "role": role}
        if birth_date is not None:
            body["birth_date"] = birth_date.isoformat()
        reply = self._call("POST", "/v1/accounts", body=body, auth=False, ok=(201,))
        o = p.obj(reply.json(), "account")
        return p.parse_account({**o, "age": o.get("age")})

    def sign_in(self, email: str, password: str, device_token: str | None = None) -> str | None:
        """Exchange email and password for tokens, kept in (and persisted through) `tokens`.

        `device_token`: the one this device's last sign-in received, if any (in the body, never
        the URL); with the right password it passes the account's lock after wrong passwords
        from elsewhere. Returns the device's new token (the one sent stops working), or None
        from a server that issues none."""
        body = {"email": email, "password": password}
        if device_token:
            body["device_token"] = device_token
        reply = self._call("POST", "/v1/auth/token", body=body, auth=False)
        access, refresh, _ = p.parse_token_pair(reply.json())
        new_device_token = p.parse_device_token(reply.json())
        self.tokens.set(access, refresh)
        return new_device_token

    def sign_out(self) -> None:
        """Revoke this sign-in on the server; the local tokens are cleared whatever happens."""
        try:
            if self.tokens.access_token is not None or self.tokens.refresh_token is not None:
                self._call("POST", "/v1/auth/logout", ok=(204, 200))
        finally:
            self.tokens.clear()

    def me(self) -> Account:
        return p.parse_account(self._call("GET", "/v1/me").json())

    # --- pairing -------------------------------------------------------------------------

    def start_pairing(self) -> Pairing:
        return p.parse_pairing(self._call("POST", "/v1/pairings", ok=(201,)).json())

    def redeem_pairing(self, code: str) -> Pairing:
        return p.parse_pairing(self._call("POST", "/v1/pairings/redeem", body={"code": code}).json())

    def accept_pairing(self, pairing_id: str) -> Pairing:
        return p.parse_pairing(self._call("POST", f"/v1/pairings/{_seg(pairing_id)}/accept", replayable=True).json())

    def confirm_pairing(self, pairing_id: str) -> Pairing:
        return p.parse_pairing(self._call("POST", f"/v1/pairings/{_seg(pairing_id)}/confirm", replayable=True).json())

    def approve_pairing(self, pairing_id: str) -> Pairing:
        """One of the teen's guardians lets the guardian who asked in (the link starts)."""
        return p.parse_pairing(self._call("POST", f"/v1/pairings/{_seg(pairing_id)}/approve", replayable=True).json())

    def refuse_pairing(self, pairing_id: str) -> Pairing:
        """One of the teen's guardians says no to the guardian who asked."""
        return p.parse_pairing(self._call("POST", f"/v1/pairings/{_seg(pairing_id)}/refuse", replayable=True).json())

    def guardian_requests(self, teen_id: str) -> list[GuardianRequest]:
        """Accounts waiting for an answer to become guardians of one of my teens, oldest first."""
        raw = self._call("GET", f"/v1/teens/{_seg(teen_id)}/guardian-requests").json()
        return p.listing(raw, lambda item: p.parse_guardian_request(item, teen_id), "guardian requests")

    def my_guardian_requests(self) -> list[Pairing]:
        """My own questions to become a guardian of a teen, waiting for one of the teen's guardians."""
        return p.listing(self._call("GET", "/v1/me/guardian-requests").json(), p.parse_pairing, "guardian requests")

    def get_pairing(self, pairing_id: str) -> Pairing:
        return p.parse_pairing(self._call("GET", f"/v1/pairings/{_seg(pairing_id)}").json())

    def cancel_pairing(self, pairing_id: str) -> None:
        self._call("DELETE", f"/v1/pairings/{_seg(pairing_id)}", ok=(204, 200))

    def teens(self) -> list[TeenSummary]:
        return p.listing(self._call("GET", "/v1/teens").json(), p.parse_teen, "teens")

    def teen_guardians(self, teen_id: str) -> list[GuardianLink]:
        """Every guardian linked with one of my teens (me included)."""
        raw = self._call("GET", f"/v1/teens/{_seg(teen_id)}/guardians").json()
        return p.listing(raw, p.parse_guardian_link, "guardians")

    def my_guardians(self) -> list[GuardianLink]:
        return p.listing(self._call("GET", "/v1/me/guardians").json(), p.parse_guardian_link, "guardians")

    def unlink(self, teen_id: str) -> None:
        self._call("DELETE", f"/v1/teens/{_seg(teen_id)}/link", ok=(204, 200), gone_when_repeated=True)

    # --- controls ------------------------------------------------------------------------

    def get_controls(self, teen_id: str, *, if_none_match: str | None = None) -> Versioned | None:
        """The teen's controls and ETag; None when `if_none_match` is still current (304)."""
        headers = {"If-None-Match": if_none_match} if if_none_match else None
        reply = self._call("GET", f"/v1/teens/{_seg(teen_id)}/controls", headers=headers, ok=(200, 304))
        if reply.status == 304:
            return None
        return _versioned(reply)

    def patch_controls(
        self, teen_id: str, fields: Mapping[str, Any], *, if_match: str, idempotency_key: str | None = None
    ) -> Versioned:
        """Change some controls (`fields` in wire form) if the version is still `if_match`."""
        reply = self._call(
            "PATCH",
            f"/v1/teens/{_seg(teen_id)}/controls",
            body=dict(fields),
            headers={"If-Match": if_match},
            idempotency_key=idempotency_key,
        )
        return _versioned(reply)

    def my_controls(self) -> Versioned:
        """The teen's effective controls (any temporary rule on top) and their ETag."""
        return _versioned(self._call("GET", "/v1/me/controls"))

    # --- delivery receipts and temporary rules -------------------------------------------

    def report_applied(self, etag: str) -> None:
        """The teen's phone applied the effective controls of `etag`."""
        self._call("POST", "/v1/me/controls/applied", body={"etag": etag}, ok=(204,), replayable=True)

    def phone_status(self, teen_id: str) -> PhoneStatus:
        return p.parse_phone(self._call("GET", f"/v1/teens/{_seg(teen_id)}/phone").json())

    def temporary_rules(self, teen_id: str) -> list[TemporaryRule]:
        reply = self._call("GET", f"/v1/teens/{_seg(teen_id)}/temporary-rules")
        return p.listing(reply.json(), p.parse_rule, "temporary rules")

    def my_temporary_rules(self) -> list[TemporaryRule]:
        """The signed-in teen's own temporary rules."""
        return p.listing(self._call("GET", "/v1/me/temporary-rules").json(), p.parse_rule, "temporary rules")

    def create_temporary_rule(
        self, teen_id: str, name: str, starts_on: date, ends_on: date, controls: Mapping[str, Any]
    ) -> TemporaryRule:
        body = _rule_body(name, starts_on, ends_on, controls)
        # Replayable: the same rule again from this guardian is answered with the one made.
        reply = self._call("POST", f"/v1/teens/{_seg(teen_id)}/temporary-rules", body=body, ok=(201,), replayable=True)
        return p.parse_rule(reply.json())

    def change_temporary_rule(
        self, teen_id: str, rule_id: str, name: str, starts_on: date, ends_on: date, controls: Mapping[str, Any]
    ) -> TemporaryRule:
        """A rule not begun yet, as it should be now (a PUT: asked twice, it is changed once)."""
        body = _rule_body(name, starts_on, ends_on, controls)
        reply = self._call("PUT", f"/v1/teens/{_seg(teen_id)}/temporary-rules/{_seg(rule_id)}", body=body)
        return p.parse_rule(reply.json())

    def remove_temporary_rule(self, teen_id: str, rule_id: str) -> None:
        self._call(
            "DELETE", f"/v1/teens/{_seg(teen_id)}/temporary-rules/{_seg(rule_id)}", ok=(204,), gone_when_repeated=True
        )

    # --- usage and time requests ---------------------------------------------------------

    def report_usage(self, day: date, minutes: int) -> UsageDay:
        # Replayable: a day's report is its total (the last one wins).
        body = {"date": day.isoformat(), "minutes": minutes}
        reply = self._call("POST", "/v1/me/usage", body=body, replayable=True)
        return p.parse_usage_day(reply.json())

    def usage(self, teen_id: str, start: date | None = None, end: date | None = None) -> list[UsageDay]:
        params = {"from": start.isoformat() if start else None, "to": end.isoformat() if end else None}
        return p.parse_usage(self._call("GET", f"/v1/teens/{_seg(teen_id)}/usage", params=params).json())

    def my_usage(self, day: date | None = None) -> UsageDay:
        """What the service has for one of the teen's days (default its today), with the limit."""
        params = {"date": day.isoformat() if day else None}
        return p.parse_usage_day(self._call("GET", "/v1/me/usage", params=params).json())

    def ask_for_time(self, minutes: int, reason: str) -> TimeRequest:
        # Replayable: the same question while it waits is answered with it, asked once.
        body = {"minutes": minutes, "reason": reason}
        reply = self._call("POST", "/v1/me/time-requests", body=body, ok=(201,), replayable=True)
        return p.parse_time_request(reply.json())

    def time_requests(self, teen_id: str) -> list[TimeRequest]:
        reply = self._call("GET", f"/v1/teens/{_seg(teen_id)}/time-requests")
        return p.listing(reply.json(), p.parse_time_request, "time requests")

    def my_time_requests(self) -> list[TimeRequest]:
        return p.listing(self._call("GET", "/v1/me/time-requests").json(), p.parse_time_request, "time requests")

    def decide_time_request(self, request_id: str, approve: bool, minutes: int | None = None) -> TimeRequest:
        body: dict[str, Any] = {"approve": approve}
        if minutes is not None:
            body["minutes"] = minutes
        # Replayable: the same answer again from this guardian is answered as the first. A reply
        # lost on a connection a proxy had closed said "can't reach", and answering again then
        # said "This request was already answered".
        reply = self._call("POST", f"/v1/time-requests/{_seg(request_id)}/decision", body=body, replayable=True)
        return p.parse_time_request(reply.json())

    # --- activity and events -------------------------------------------------------------

    def activity(
        self, teen_id: str, limit: int = 100, before: int | None = None, **filters: str | None
    ) -> list[ActivityEntry]:
        """Newest first; `before` the last id of the previous page; the filters (`kind`, `field`,
        `actor`) are combinable."""
        return self.activity_page(teen_id, limit, before, **filters)[0]

    def activity_page(
        self,
        teen_id: str,
        limit: int = 100,
        before: int | None = None,
        *,
        kind: str | None = None,
        field: str | None = None,
        actor: str | None = None,
    ) -> tuple[list[ActivityEntry], bool]:
        """`activity`, and whether older entries follow although the page holds fewer than
        `limit`: the service cuts a page of very large entries short (its `Link: …; rel="next"`),
        and a short page read as the history's end."""
        params = {"limit": limit, "before": before, "kind": kind, "field": field, "actor": actor}
        reply = self._call("GET", f"/v1/teens/{_seg(teen_id)}/activity", params=params)
        more = 'rel="next"' in reply.headers.get("Link", "")
        return p.listing(reply.json(), p.parse_activity, "activity"), more

    def my_activity(self, limit: int = 100, before: int | None = None) -> list[ActivityEntry]:
        """The teen's own history (the same entries as its guardians see)."""
        reply = self._call("GET", "/v1/me/activity", params={"limit": limit, "before": before})
        return p.listing(reply.json(), p.parse_activity, "activity")

    def events(self, after: str | None = None, wait: int = 0) -> p.EventsPage:
        """The events after `after`, the new cursor, and whether some before them were deleted on
        the service (`missed`). Blocks up to `wait` seconds (0–30) for one to come."""
        wait = max(0, min(30, int(wait)))
        timeout = (self.timeout[0], wait + EVENTS_MARGIN)
        reply = self._call(
            "GET", "/v1/events", params={"after": after, "wait": wait if after else None}, timeout=timeout
        )
        return p.parse_events(reply.json())


def _headers_only(request: requests.PreparedRequest) -> requests.PreparedRequest:
    """Our headers are the only credentials: an explicit auth stops requests from putting
    ~/.netrc credentials in place of the Bearer token."""
    return request


def _seg(value: str) -> str:
    return quote(value, safe="")


def _versioned(reply: Reply) -> Versioned:
    etag = reply.headers.get("ETag")
    if not etag:
        raise e.ProtocolError("The service sent controls without their version (ETag).")
    return Versioned(p.parse_controls(reply.json()), etag)


def _error_code(reply: Reply) -> str | None:
    try:
        return p.parse_error_body(reply.json())[0]
    except e.ProtocolError:
        return None


# Statuses that, without a FamGuard error body, say the address is something else: a path it
# does not have (404), a method it does not take (405), a feature it lacks (501, 505). None of
# them passes by itself, so "try again in a moment" would send the guardian waiting for nothing.
_NOT_HERE = frozenset({404, 405, 501, 505})

_BY_STATUS: dict[int, type[e.ApiError]] = {
    403: e.Forbidden,
    404: e.NotFound,
    409: e.Conflict,
    410: e.Gone,
}


def _local_time(when: datetime) -> str:
    """`when` as the user reads it: the time alone today, with its day otherwise (a limit of a day
    frees its first place at this time tomorrow)."""
    local = when.astimezone()
    today = datetime.now(local.tzinfo).date()
    if local.date() == today:
        return f"{local:%H:%M}"
    if local.date() == today + timedelta(days=1):
        return f"{local:%H:%M} tomorrow"
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B}"


def _raise_for(reply: Reply) -> None:
    """Raise the ApiError that `reply` (a non-success answer) means."""
    status = reply.status
    try:
        code, message, fields = p.parse_error_body(reply.json())
    except e.ProtocolError:
        if status in _NOT_HERE:
            raise e.ProtocolError(
                f"The address answers, but not as a FamGuard service (status {status}). Check the service address."
            ) from None
        if status >= 500:
            raise e.ServerError(f"The service had a problem (error {status}). Try again in a moment.") from None
        if status == 429:
            code, message, fields = "rate_limited", "Too many attempts.", {}
        else:
            raise e.ProtocolError(
                f"The service answered with something FamGuard does not understand (status {status})."
            ) from None
    if status >= 500:
        raise e.ServerError(message or f"The service had a problem (error {status}).", code=code)
    if status == 401:
        if code == "invalid_credentials":
            raise e.InvalidCredentials(message, code=code)
        raise e.SignedOut(message or "Please sign in again.", code=code)
    if status == 412:
        raise e.PreconditionFailed(message, current_etag=reply.headers.get("ETag"), code=code)
    if status in (400, 422, 428):
        raise e.ValidationFailed(message, fields, code=code)
    if status == 429:
        wait = parse_retry_after(reply.headers.get("Retry-After"))
        when = retry_at(wait if wait is not None else 60)
        # When the service says when itself ("Try again in 15 minutes."), that is said alone: with
        # the app's moment after it, it read "…in 15 minutes. Try again after 08:26." (an outside tester).
        said = message if re.search(r"\bTry again\b", message) else f"{message} Try again after {_local_time(when)}."
        raise e.RateLimited(said, retry_at=when, code=code)
    kind = _BY_STATUS.get(status)
    if kind is None:
        raise e.ProtocolError(f"The service answered with an unexpected status ({status}).", code=code)
    raise kind(message, code=code)


def _rule_body(name: str, starts_on: date, ends_on: date, controls: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "controls": dict(controls),
    }
