# The current API's injected services (spec §6), built for each run from the run's context (the project file
# cloudfn.json, its secrets file, templates and HTTP mocks, read by the host): env, config, email and http.
# Mails go to the run's outbox and http calls are recorded (effects.py); an http call is answered by a mock,
# refused, or sent when the run allows the network. render lives in render.py.

import json as _json_module
import time as _time_module
import urllib.parse as _urllib_parse

from . import bridge
from .db import json_default
from .effects import http_calls, record_mail
from .policy import VISIBLE_MODULE
from .request import Headers

_dumps = _json_module.dumps
_loads = _json_module.loads

CONTENT_TYPE_HTML = "text/html; charset=utf-8"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


class _Completed:
    """An awaitable that is already done: the API's methods that the docs `await` complete at once."""

    __module__ = VISIBLE_MODULE
    __slots__ = ("_value",)

    def __init__(self, value):
        self._value = value

    def __await__(self):
        return self._value
        yield  # noqa: unreachable - makes __await__ a generator that returns at once.

    def __bool__(self):
        return bool(self._value)

    def __eq__(self, other):
        return self._value == other

    def __hash__(self):
        return hash(self._value)

    def __repr__(self):
        return repr(self._value)


class Env:
    """Facts of the environment the function runs in."""

    __module__ = VISIBLE_MODULE
    __slots__ = ("project_id", "runtime", "static_base_url")

    def __init__(self, context):
        self.project_id = context.get("project_id") or "local"
        self.runtime = "python3.10"
        self.static_base_url = context.get("static_base_url") or ""

    def __repr__(self):
        return f"Env(project_id={self.project_id!r}, runtime={self.runtime!r})"


class Config:
    """Project configuration: cloudfn.json's `config` and the secrets file's values (which win)."""

    __module__ = VISIBLE_MODULE
    __slots__ = ("_values",)

    def __init__(self, context):
        self._values = {**(context.get("config") or {}), **(context.get("secrets") or {})}

    def get(self, key, default=None):
        return self._values.get(key, default)

    def __repr__(self):
        return f"Config(keys={sorted(self._values)!r})"


class Email:
    """Mail sending; locally every mail is recorded in the run's outbox. The methods are awaitable."""

    __module__ = VISIBLE_MODULE
    __slots__ = ()

    def send_email(self, recipients, subject, body):
        return _Completed(record_mail(recipients, subject, body, what="email.send_email"))

    def send_welcome_email(self, to_email, user_name, app_name, login_url):
        subject = f"Welcome to {app_name}!"
        body = f"Hi {user_name},\n\nWelcome to {app_name}! Sign in at {login_url}\n"
        return _Completed(record_mail(to_email, subject, body, what="email.send_welcome_email"))

    def send_password_reset_email(self, to_email, token, reset_url_base=None):
        if reset_url_base:
            separator = "&" if "?" in reset_url_base else "?"
            link = f"{reset_url_base}{separator}{_urllib_parse.urlencode({'token': token})}"
            body = f"Someone asked to reset your password. Open this link to choose a new one:\n{link}\n"
        else:
            body = f"Someone asked to reset your password. Your reset token: {token}\n"
        return _Completed(record_mail(to_email, "Reset your password", body, what="email.send_password_reset_email"))

    def __repr__(self):
        return "Email()"


class HttpResponse:
    """The answer of an http call: status_code, headers, text and json()."""

    __module__ = VISIBLE_MODULE
    __slots__ = ("status_code", "headers", "text", "url")

    def __init__(self, status, headers, text, url):
        self.status_code = status
        self.headers = Headers({k: str(v) for k, v in (headers or {}).items()})
        self.text = text
        self.url = url

    @property
    def ok(self):
        return self.status_code < 400

    def json(self):
        try:
            return _loads(self.text)
        except ValueError as error:
            raise ValueError(f"the response of {self.url} is not JSON: {error}") from None

    def __repr__(self):
        return f"<HttpResponse [{self.status_code}]>"


def _mock_matches(mock, method, url):
    wanted = mock.get("method")
    if wanted and wanted.upper() != method:
        return False
    pattern = mock.get("url") or ""
    if pattern.endswith("*"):
        return url.startswith(pattern[:-1])
    # A mock URL without a query answers that URL with any query string.
    return url == pattern or ("?" not in pattern and url.partition("?")[0] == pattern)


class Http:
    """Outgoing HTTP: answered by the run's mocks, sent only when the run allows the network, else refused."""

    __module__ = VISIBLE_MODULE
    __slots__ = ("_mocks", "_allow_network", "_mock_hint")

    def __init__(self, context):
        self._mocks = context.get("http_mocks") or []
        self._allow_network = bool(context.get("allow_network"))
        self._mock_hint = context.get("mock_hint") or "an http mock (http_mocks in cloudfn.json)"

    def _send(self, method, url, json=None, data=None, headers=None, params=None, timeout=10):
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ValueError(f"http.{method.lower()}: the url must be an http:// or https:// URL, got {url!r}")
        if params:
            url = f"{url}{'&' if '?' in url else '?'}{_urllib_parse.urlencode(params, doseq=True)}"
        request_headers = {str(k): str(v) for k, v in (headers or {}).items()}
        body = None
        if json is not None:
            body = _dumps(json, default=json_default)
            request_headers.setdefault("Content-Type", "application/json")
        elif isinstance(data, dict):
            body = _urllib_parse.urlencode(data, doseq=True)
            request_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif isinstance(data, (bytes, bytearray)):
            body = bytes(data).decode("utf-8", "replace")
        elif data is not None:
            body = str(data)
        started = _time_module.perf_counter()
        call = {"method": method, "url": url, "status": None, "source": "refused", "duration_ms": 0}
        http_calls.append(call)
        mock = next((m for m in self._mocks if _mock_matches(m, method, url)), None)
        if mock is not None:
            call["source"] = "mock"
            if mock.get("file"):
                call["mock_file"] = mock["file"]
            call["duration_ms"] = round((_time_module.perf_counter() - started) * 1000, 3)
            if mock.get("error"):
                raise ConnectionError(f"{method} {url} failed: {mock['error']} (an http mock)")
            text = mock["body"] if "body" in mock else _dumps(mock.get("json")) if "json" in mock else ""
            mock_headers = dict(mock.get("headers") or {})
            if "json" in mock and "body" not in mock:
                mock_headers.setdefault("content-type", "application/json")
            status = int(mock.get("status", 200))
            call["status"] = status
            return HttpResponse(status, mock_headers, text, url)
        if not self._allow_network:
            raise ConnectionError(
                f"{method} {url} was refused: cloudfn runs offline. Add {self._mock_hint} matching this method and URL, "
                "or allow the network for one run (cloudfn run --allow-network)")
        call["source"] = "network"
        answer = bridge.call("http_fetch", _dumps({"method": method, "url": url, "headers": request_headers, "body": body,
                                                    "timeout": float(timeout)}))
        call["duration_ms"] = round((_time_module.perf_counter() - started) * 1000, 3)
        if answer.startswith("!"):
            failure = _loads(answer[1:])
            if failure.get("deadline"):
                # The run's time limit passed during the call: the interrupt the host raises at the deadline.
                raise KeyboardInterrupt
            raise ConnectionError(f"{method} {url} failed: {failure.get('message')}")
        response = _loads(answer)
        call["status"] = response["status"]
        return HttpResponse(response["status"], response["headers"], response["text"], url)

    def __repr__(self):
        return "Http()"


def _http_method(method):
    def send(self, url, json=None, data=None, headers=None, params=None, timeout=10):
        return self._send(method.upper(), url, json=json, data=data, headers=headers, params=params, timeout=timeout)
    send.__name__ = send.__qualname__ = method
    return send


for _method in HTTP_METHODS:
    setattr(Http, _method, _http_method(_method))


def start_run(context):
    """The services of one run: env, config, email and http."""
    return {"env": Env(context), "config": Config(context), "email": Email(), "http": Http(context)}
