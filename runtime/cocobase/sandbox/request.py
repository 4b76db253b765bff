# The request object of a cloud function (injected as `request` and `req`): payload, query parameters,
# case-insensitive headers, the authenticated user, method and timestamp, and the current API's payload,
# proj and send_mail (the mail goes to the run's outbox, effects.py).

from .policy import VISIBLE_MODULE
from .effects import record_mail


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


class User(dict):
    """The authenticated app user: a dict of the user shape whose keys are also attributes (`user.id`,
    `user["id"]`, `user.get("roles")`), plus `is_admin`."""

    __module__ = VISIBLE_MODULE
    __slots__ = ()

    def __init__(self, record):
        super().__init__(id=record.get("id"), email=record.get("email"), data=record.get("data") or {},
                         roles=record.get("roles") or [], created_at=record.get("created_at"))

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"'User' object has no attribute '{name}'") from None

    @property
    def is_admin(self):
        return "admin" in (self.get("roles") or [])

    def __repr__(self):
        return f"User(id={self.get('id')!r}, email={self.get('email')!r}, roles={self.get('roles')!r})"


class Request:
    """The incoming request of a cloud function, injected as `request` and `req`."""

    __module__ = VISIBLE_MODULE
    __slots__ = ("_payload", "query_params", "headers", "user", "method", "timestamp", "proj")

    def __init__(self, spec):
        self._payload = spec.get("payload") or {}
        self.query_params = dict(spec.get("query") or {})
        self.headers = Headers(spec.get("headers") or {})
        user = spec.get("user")
        self.user = User(user) if user else None
        self.method = spec.get("method") or "POST"
        self.timestamp = spec.get("timestamp")
        self.proj = (spec.get("context") or {}).get("project_id") or "local"

    def json(self):
        return self._payload

    def get(self, key, default=None):
        payload = self._payload
        return payload.get(key, default) if isinstance(payload, dict) else default

    @property
    def payload(self):
        return self._payload

    def send_mail(self, to, subject, body=None, template_id=None, context=None):
        return record_mail(to, subject, body, template_id, context, what="send_mail")

    def __repr__(self):
        return f"Request(method={self.method!r}, payload={self._payload!r})"
