"""Known devices, the sign-in lock's way to let the owner in while an attacker keeps it shut.

A successful sign-in gives the client a device token (256 random bits; the server keeps only its
HMAC with the server's secret, like the pairing codes). The client keeps it in the keyring and
sends it with the next sign-in. A right password together with a valid device token passes the
account's locks (the account-wide one and the one for the account at that address), because the
token proves more than an address does: addresses are shared behind NAT and carriers, and a
client behind a proxy can claim any. Without it the locks hold. A wrong password sent with a
device token counts like any other, and also against that device: after DEVICE_FAILURE_LIMIT of
them within the window the device passes nothing either, so a stolen copy buys at most that many
guesses. The per-address limit applies to everyone.

Each successful sign-in with a valid token replaces it with a new one (a copy taken earlier stops
working) and renews it for DEVICE_TTL; an account keeps at most MAX_DEVICES, the least recently
used ones are forgotten first."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from famguard.server.models import Account, Attempt, DeviceRow
from famguard.server.security import device_token_hash, new_id, new_token
from famguard.server.service import Service

DEVICE_TTL = timedelta(days=90)
MAX_DEVICES = 10
DEVICE_FAILURE_LIMIT = 5
DEVICE_FAILURE = "device"  # Attempt.kind of a wrong password sent with a device token


def find_device(service: Service, session: Session, account: Account | None, token: str | None) -> DeviceRow | None:
    """The account's unexpired device with this token, or None."""
    if account is None or not token:
        return None
    return session.scalar(
        select(DeviceRow).where(
            DeviceRow.token_hash == device_token_hash(service.secret, token),
            DeviceRow.account_id == account.id,
            DeviceRow.expires_at > service.now(),
        )
    )


def may_pass_lock(service: Service, session: Session, device: DeviceRow | None) -> bool:
    """Whether this device may pass the account's locks (with a password still to be checked)."""
    if device is None:
        return False
    failures = service.failures(session, DEVICE_FAILURE, Attempt.account_key, device.id)
    return len(failures) < DEVICE_FAILURE_LIMIT


def remember_device(service: Service, session: Session, account_id: str, device_id: str | None) -> str:
    """After a right password: the device's new token (the old one, if any, stops working)."""
    service.lock_keys(session, f"devices:{account_id}")
    now = service.now()
    token = new_token()
    hashed = device_token_hash(service.secret, token)
    device = session.get(DeviceRow, device_id) if device_id is not None else None
    if device is not None and device.account_id == account_id:
        service.clear_failures(session, DEVICE_FAILURE, device.id)
        device.token_hash, device.last_used_at, device.expires_at = hashed, now, now + DEVICE_TTL
        return token
    session.execute(delete(DeviceRow).where(DeviceRow.account_id == account_id, DeviceRow.expires_at <= now))
    count = session.scalar(select(func.count()).select_from(DeviceRow).where(DeviceRow.account_id == account_id))
    if count is not None and count >= MAX_DEVICES:
        oldest = select(DeviceRow.id).where(DeviceRow.account_id == account_id)
        oldest = oldest.order_by(DeviceRow.last_used_at).limit(count - MAX_DEVICES + 1)
        session.execute(delete(DeviceRow).where(DeviceRow.id.in_(list(session.scalars(oldest)))))
    fresh = DeviceRow(id=new_id(), account_id=account_id, token_hash=hashed, created_at=now)
    fresh.last_used_at, fresh.expires_at = now, now + DEVICE_TTL
    session.add(fresh)
    return token
