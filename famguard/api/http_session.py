"""The `requests` session every ApiClient sends through: the one place besides the client that
imports `requests`, so that the address rules of famguard.api.transport load without it."""

from __future__ import annotations

import requests

from famguard.api.transport import may_carry_authorization


class StrictSession(requests.Session):
    """A Session that never re-attaches credentials on a redirect to another origin.

    requests' own `rebuild_auth` strips Authorization when the host changes, but keeps it on an
    http -> https upgrade and re-adds credentials from ~/.netrc for the new host. ApiClient
    follows redirects itself (allow_redirects=False), so this is the second line of defence for
    any other use of the session."""

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        if "Authorization" in prepared_request.headers and not may_carry_authorization(
            response.request.url or "", prepared_request.url or ""
        ):
            del prepared_request.headers["Authorization"]

    def close(self) -> None:
        """Closes every pooled connection now. requests' own close only empties urllib3's pool
        manager (urllib3 2.x): each pool's connections close when the pool is garbage-collected,
        and the app freezes what exists once a family is on screen out of the collector's passes
        (famguard.app.settle_runtime), so that never came: the sockets stayed open for the run."""
        for adapter in self.adapters.values():
            manager = getattr(adapter, "poolmanager", None)  # HTTPAdapter's urllib3 PoolManager
            if manager is not None:
                for key in manager.pools.keys():
                    pool = manager.pools.get(key)
                    if pool is not None:
                        pool.close()
        super().close()


def make_session(user_agent: str = "FamGuard") -> StrictSession:
    session = StrictSession()
    session.headers["User-Agent"] = user_agent
    session.verify = True
    return session
