# The request object of a cloud function (injected as `request` and `req`): payload, query parameters,
# case-insensitive headers, the authenticated user, method and timestamp.

from .policy import VISIBLE_MODULE


class Headers(dict):
    """Request headers; keys are stored lower-case and lookups ignore case, as in HTTP."""

    __module__ = VISIBLE_MODULE

    def __init__(self, items):
        super().__init__((str(k).lower(), v) for k, v in items.items())

    def __getitem__(self, key):
        return super().__getitem__(key.lower() if isinstance(key, str) else key)

    def get(self, key, default=None):
        return super().get(key.lower() if isinstance(key, str) else key, default)

    def __contains__(self, key):
        return super().__contains__(key.lower() if isinstance(key, str) else key)


class User:
    """The authenticated app user of a request."""

    __module__ = VISIBLE_MODULE
    __slots__ = ("id", "email", "data", "roles", "created_at")

    def __init__(self, record):
        self.id = record.get("id")
        self.email = record.get("email")
        self.data = record.get("data") or {}
        self.roles = record.get("roles") or []
        self.created_at = record.get("created_at")

    def __repr__(self):
        return f"User(id={self.id!r}, email={self.email!r}, roles={self.roles!r})"


class Request:
    """The incoming request of a cloud function, injected as `request` and `req`."""

    __module__ = VISIBLE_MODULE
    __slots__ = ("_payload", "query_params", "headers", "user", "method", "timestamp")

    def __init__(self, spec):
        self._payload = spec.get("payload") or {}
        self.query_params = dict(spec.get("query") or {})
        self.headers = Headers(spec.get("headers") or {})
        user = spec.get("user")
        self.user = User(user) if user else None
        self.method = spec.get("method") or "POST"
        self.timestamp = spec.get("timestamp")

    def json(self):
        return self._payload

    def get(self, key, default=None):
        payload = self._payload
        return payload.get(key, default) if isinstance(payload, dict) else default

    def __repr__(self):
        return f"Request(method={self.method!r}, payload={self._payload!r})"
