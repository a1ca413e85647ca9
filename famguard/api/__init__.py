"""The REST client of API v1: ApiClient, its error hierarchy, and the safe-transport rules.
The only package of the client that imports `requests`."""

from famguard.api.client import ApiClient, Versioned
from famguard.api.tokens import TokenManager
from famguard.api.transport import RetryPolicy, check_server_url, make_session

__all__ = ["ApiClient", "RetryPolicy", "TokenManager", "Versioned", "check_server_url", "make_session"]
