# The sandbox prelude: runs inside Pyodide and executes one CocoBASE cloud function per call of run().
#
# Layers (see ../../README.md, "Sandbox"): a check of the user's code before it runs (no attribute starting
# with "_" except method dunders, no frame/code/traceback attributes, str.format fields checked), builtins as an
# allow-list, read-only stand-ins for json/datetime/math/re that expose only public names, an import guard,
# and a `db` object that talks to the store through JSON strings, so user code never holds a JavaScript
# object. This module is executed once (before the memory snapshot); attach() binds the JavaScript bridge.

import ast
import builtins as _builtins_module
import datetime as _datetime_module
import json as _json_module
import linecache
import math as _math_module
import os
import random
import re as _re_module
import sys
import time
import traceback
import types
import warnings
import _string

warnings.simplefilter("ignore")

_policy = None
_safe_builtins = None
_standins = None
_db_class = None

# Bound by attach(): JavaScript functions of the worker (never reachable from user code).
_bridge_call = None
_bridge_insert_rows = None
_bridge_emit = None
_rng = random.Random()

_dumps = _json_module.dumps
_loads = _json_module.loads
_code_cache = {}
_CODE_CACHE_LIMIT = 64
OUTPUT_LIMIT = 1_000_000
INSERT_BATCH = 4096
ENTRY_NAME = "__cloudfn__"


class SandboxViolation(Exception):
    """A construct the sandbox refuses, found before the function runs; carries the Python error to raise."""

    def __init__(self, error_type, message, node):
        super().__init__(message)
        self.error_type = error_type
        self.lineno = getattr(node, "lineno", None)
        self.col_offset = getattr(node, "col_offset", None)


# ---------------------------------------------------------------------------------------------------------
# The check of the user's code and the rewrite of str.format attribute access.

class _SandboxChecker(ast.NodeVisitor):
    def __init__(self, policy):
        self.forbidden_attributes = frozenset(policy["forbiddenAttributes"])
        self.allowed_dunders = frozenset(policy["allowedDunderAttributes"])

    def visit_Attribute(self, node):
        name = node.attr
        if name.startswith("_") and name not in self.allowed_dunders:
            raise SandboxViolation(AttributeError, f"access to private attribute '{name}' is not allowed in cloud functions", node)
        if name in self.forbidden_attributes:
            raise SandboxViolation(AttributeError, f"attribute '{name}' is not allowed in cloud functions", node)
        self.generic_visit(node)

    def _check_name(self, name, node):
        if name.startswith("__") and name != "__name__":
            raise SandboxViolation(NameError, f"name '{name}' is not allowed in cloud functions", node)

    def visit_Name(self, node):
        self._check_name(node.id, node)

    def visit_Global(self, node):
        for name in node.names:
            self._check_name(name, node)

    visit_Nonlocal = visit_Global

    def visit_ImportFrom(self, node):
        if node.level:
            raise SandboxViolation(ImportError, "relative imports are not available in cloud functions", node)
        self.generic_visit(node)


class _FormatRewriter(ast.NodeTransformer):
    """Rewrites `x.format` / `x.format_map` into a call that checks the template's fields first."""

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if node.attr in ("format", "format_map") and isinstance(node.ctx, ast.Load):
            call = ast.Call(
                func=ast.Name(id="__cloudfn_format__", ctx=ast.Load()),
                args=[node.value, ast.Constant(node.attr)],
                keywords=[],
            )
            return ast.copy_location(call, node)
        return node


def _check_format_template(template):
    """Refuses format fields that walk to private or frame attributes ("{0.__class__}")."""
    for _literal, field, spec, _conversion in _string.formatter_parser(template):
        if field is None:
            continue
        _first, rest = _string.formatter_field_name_split(field)
        for is_attribute, key in rest:
            if is_attribute and (key.startswith("_") or key in _policy["forbiddenAttributes"]):
                raise AttributeError(f"format field '{field}' reaches attribute '{key}', which is not allowed in cloud functions")
        if spec and "{" in spec:
            _check_format_template(spec)


def _format_attribute(value, name):
    method = getattr(value, name)
    if isinstance(value, str):
        def checked_format(*args, **kwargs):
            _check_format_template(value)
            return method(*args, **kwargs)
        return checked_format
    if isinstance(value, type) and issubclass(value, str):
        def checked_unbound_format(template, *args, **kwargs):
            if isinstance(template, str):
                _check_format_template(template)
            return method(template, *args, **kwargs)
        return checked_unbound_format
    return method


def compile_function(source, filename):
    """Compiles a cloud function once per (filename, source); raises SyntaxError or SandboxViolation."""
    key = (filename, source)
    cached = _code_cache.get(key)
    if cached is None:
        try:
            tree = ast.parse(source, filename, "exec")
            _SandboxChecker(_policy).visit(tree)
            tree = ast.fix_missing_locations(_FormatRewriter().visit(tree))
            cached = compile(tree, filename, "exec", dont_inherit=True)
        except (SyntaxError, SandboxViolation) as error:
            cached = error
        if len(_code_cache) >= _CODE_CACHE_LIMIT:
            _code_cache.clear()
        _code_cache[key] = cached
        lines = source.splitlines(True)
        linecache.cache[filename] = (len(source), None, lines, filename)
    if isinstance(cached, BaseException):
        raise cached
    return cached


# ---------------------------------------------------------------------------------------------------------
# Builtins, modules and the import guard.

class _ReadOnlyModule(types.SimpleNamespace):
    """A module stand-in exposing only public names; assignments are refused so runs cannot affect each other."""

    def __setattr__(self, name, value):
        raise AttributeError(f"module attributes are read-only in cloud functions (cannot set '{name}')")

    def __delattr__(self, name):
        raise AttributeError(f"module attributes are read-only in cloud functions (cannot delete '{name}')")

    def __getattr__(self, name):
        module = type(self).module_name
        raise AttributeError(f"module '{module}' has no attribute '{name}' in cloud functions")

    def __repr__(self):
        return f"<module '{type(self).module_name}'>"


def _make_datetime_standin(member_names):
    real = _datetime_module

    def module_member(name):
        return property(lambda cls: getattr(real, name))

    namespace = {name: module_member(name) for name in member_names if hasattr(real, name) and name != "datetime"}
    namespace["datetime"] = property(lambda cls: real.datetime)

    def refuse_set(cls, name, value):
        raise AttributeError(f"module attributes are read-only in cloud functions (cannot set '{name}')")

    namespace["__setattr__"] = refuse_set
    namespace["__instancecheck__"] = lambda cls, value: isinstance(value, real.datetime)
    namespace["__subclasscheck__"] = lambda cls, other: issubclass(other, real.datetime)
    namespace["__repr__"] = lambda cls: "<module 'datetime' (also the datetime.datetime class)>"
    meta = type("datetime_module", (type,), namespace)

    def construct(cls, *args, **kwargs):
        return real.datetime(*args, **kwargs)

    # The injected `datetime` behaves like the datetime.datetime class (the seed calls datetime.now()), while
    # datetime.timedelta, datetime.date... still name the module's classes. Values are plain datetime objects.
    return meta("datetime", (real.datetime,), {"__new__": construct, "__module__": "datetime"})


def _make_standins(policy):
    real_modules = {"json": _json_module, "math": _math_module, "re": _re_module}
    standins = {}
    for name, members in policy["modules"].items():
        if name == "datetime":
            standins[name] = _make_datetime_standin(members)
        else:
            module = real_modules[name]
            standin_class = type(name, (_ReadOnlyModule,), {"module_name": name, "__slots__": ()})
            standins[name] = standin_class(**{m: getattr(module, m) for m in members if hasattr(module, m)})
    return standins


def _guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    if level:
        raise ImportError("relative imports are not available in cloud functions")
    standin = _standins.get(name)
    if standin is not None:
        return standin
    allowed = ", ".join(_standins)
    raise ImportError(f"import of '{name}' is not allowed in cloud functions (allowed modules: {allowed})", name=name)


def _make_builtins(policy):
    safe = {}
    for name in policy["builtins"]:
        if hasattr(_builtins_module, name):
            safe[name] = getattr(_builtins_module, name)
    safe["print"] = _print
    safe["__import__"] = _guarded_import
    safe["__build_class__"] = _builtins_module.__build_class__
    for name in ("True", "False", "None"):
        safe.pop(name, None)
    return safe


# ---------------------------------------------------------------------------------------------------------
# print(): captured line by line, streamed to the host as it happens.

class _Output:
    def __init__(self):
        self.partial = ""
        self.size = 0
        self.truncated = False

    def write(self, text):
        if self.truncated:
            return
        self.size += len(text)
        if self.size > OUTPUT_LIMIT:
            self.truncated = True
            self.flush()
            _bridge_emit(f"[cloudfn] output truncated after {OUTPUT_LIMIT} characters")
            return
        text = self.partial + text
        *lines, self.partial = text.split("\n")
        for line in lines:
            _bridge_emit(line)

    def flush(self):
        if self.partial:
            _bridge_emit(self.partial)
            self.partial = ""


_output = _Output()


def _print(*values, sep=" ", end="\n", file=None, flush=False):
    if sep is None:
        sep = " "
    if end is None:
        end = "\n"
    if not isinstance(sep, str) or not isinstance(end, str):
        raise TypeError("print(): sep and end must be strings")
    _output.write(sep.join([str(value) for value in values]) + end)


# ---------------------------------------------------------------------------------------------------------
# The request object.

class Headers(dict):
    """Request headers; keys are stored lower-case and lookups ignore case, as in HTTP."""

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


# ---------------------------------------------------------------------------------------------------------
# The db object: methods generated from the API model, plus a batched create_document.

def _json_default(value):
    if isinstance(value, (_datetime_module.datetime, _datetime_module.date, _datetime_module.time)):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# One encoder for stored data: json.dumps with keyword arguments would build a new encoder per call.
_encode_data = _json_module.JSONEncoder(default=_json_default, allow_nan=False, separators=(",", ":")).encode
_encode_arguments = _json_module.JSONEncoder(default=_json_default).encode

_ERROR_TYPES = {"ValueError": ValueError, "TypeError": TypeError, "KeyError": KeyError, "RuntimeError": RuntimeError}


def _raise_bridge_error(answer):
    error = _loads(answer[1:])
    raise _ERROR_TYPES.get(error.get("type"), RuntimeError)(error.get("message"))


_last_millisecond = None
_last_second = None
_last_second_text = ""
_last_timestamp = ""


def _now_iso():
    """The current time as the store writes it: ISO 8601 UTC with milliseconds and a Z."""
    global _last_millisecond, _last_second, _last_second_text, _last_timestamp
    millisecond = int(time.time() * 1000)
    if millisecond != _last_millisecond:
        _last_millisecond = millisecond
        second = millisecond // 1000
        if second != _last_second:
            _last_second = second
            _last_second_text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        _last_timestamp = f"{_last_second_text}.{millisecond % 1000:03d}Z"
    return _last_timestamp


def _new_id():
    """A random UUID version 4, as the store's ids."""
    value = _rng.getrandbits(128) & ~(0xF000 << 64) | (0x4000 << 64)
    value = value & ~(0xC000 << 48) | (0x8000 << 48)
    text = "%032x" % value
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


class _DatabaseBase:
    """State shared by the generated db methods: pending batched inserts and known collection ids."""

    __slots__ = ("_pending", "_collection_ids")

    def __init__(self):
        self._pending = []
        self._collection_ids = {}

    def _flush(self):
        if self._pending:
            # Records separated by \x1e, fields by \x1f: JSON text never holds raw control characters.
            records = "\x1e".join(self._pending)
            self._pending = []
            answer = _bridge_insert_rows(records)
            if answer and answer[0] == "!":
                _raise_bridge_error(answer)

    def _call(self, operation, arguments):
        self._flush()
        if operation in ("delete_collection", "update_collection"):
            self._collection_ids.clear()
        answer = _bridge_call(operation, _encode_arguments(arguments))
        if answer and answer[0] == "!":
            _raise_bridge_error(answer)
        return _loads(answer)

    def create_document(self, collection, data):
        if not isinstance(collection, str) or not collection:
            raise TypeError(f"create_document(): collection must be a non-empty str, got {type(collection).__name__}")
        if not isinstance(data, dict):
            raise TypeError(f"create_document(): data must be a dict, got {type(data).__name__}")
        collection_id = self._collection_ids.get(collection)
        if collection_id is None:
            collection_id = self._call("ensure_collection", {"name": collection})
            self._collection_ids[collection] = collection_id
        document_id = _new_id()
        now = _now_iso()
        data_json = _encode_data(data)
        self._pending.append(f"{document_id}\x1f{collection_id}\x1f{data_json}\x1f{now}")
        if len(self._pending) >= INSERT_BATCH:
            self._flush()
        return {"id": document_id, "collection_id": collection_id, "data": _loads(data_json), "created_at": now, "updated_at": now}

    def __repr__(self):
        return "<cloudfn db: local database>"


def _make_db_class(policy):
    """Generates the db class from the API model so that signatures and argument errors are Python's own."""
    namespace = {}
    source = []
    for name, params in policy["dbMethods"].items():
        if name == "create_document":
            continue
        signature = ", ".join(["self"] + [p["name"] if p["default"] is None else f"{p['name']}={p['default']}" for p in params])
        arguments = ", ".join(f"{p['name']!r}: {p['name']}" for p in params)
        source.append(f"def {name}({signature}):\n    return self._call({name!r}, {{{arguments}}})\n")
    exec("".join(source), {"__builtins__": _builtins_module}, namespace)
    for function in namespace.values():
        function.__module__ = "cloudfn"
    namespace["__slots__"] = ()
    return type("Database", (_DatabaseBase,), namespace)


# ---------------------------------------------------------------------------------------------------------
# Running a function.

def _first_unserializable_path(value, path="result"):
    """The key path of the first value json cannot encode, for a clear error message."""
    if value is None or isinstance(value, (str, bool, int)):
        return None
    if isinstance(value, float):
        return None if _math_module.isfinite(value) else (path, f"float {value!r}")
    if isinstance(value, (_datetime_module.datetime, _datetime_module.date, _datetime_module.time)):
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                return (f"{path}[{key!r}]", f"key of type {type(key).__name__}")
            found = _first_unserializable_path(item, f"{path}[{key!r}]")
            if found:
                return found
        return None
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = _first_unserializable_path(item, f"{path}[{index}]")
            if found:
                return found
        return None
    return (path, type(value).__name__)


def _serialize_result(value):
    try:
        return _dumps(value, default=_json_default, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as error:
        found = _first_unserializable_path(value)
        where = f"{found[0]} is {found[1]}" if found else str(error)
        raise TypeError(f"the function's result is not JSON-serializable: {where}") from None


def _error_outcome(error, filename):
    if isinstance(error, SandboxViolation):
        error_type, message, line = error.error_type.__name__, str(error), error.lineno
        column = error.col_offset + 1 if error.col_offset is not None else None
        source_line = linecache.getline(filename, line).strip() if line else ""
        trace = f'  File "{filename}", line {line}\n    {source_line}\n{error_type}: {message}\n'
        return {"ok": False, "error": {"type": error_type, "message": message, "line": line, "column": column, "traceback": trace}}
    if isinstance(error, KeyboardInterrupt):
        # Only the host's interrupt buffer raises KeyboardInterrupt here: it is the time limit.
        error = TimeoutError("the function was stopped by its time limit")
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == filename]
    line = frames[-1].lineno if frames else None
    column = None
    if isinstance(error, SyntaxError) and error.filename == filename:
        line, column = error.lineno, error.offset
    message = str(error)
    if isinstance(error, NameError) and getattr(error, "name", None) in _policy["forbiddenBuiltins"]:
        message = f"{message} (not available in cloud functions: {_policy['forbiddenBuiltins'][error.name]})"
    trace = "Traceback (most recent call last):\n" + "".join(traceback.StackSummary.from_list(frames).format()) if frames else ""
    if isinstance(error, SyntaxError):
        trace += "".join(traceback.format_exception_only(type(error), error))
    else:
        trace += f"{type(error).__name__}: {message}\n"
    return {"ok": False, "error": {"type": type(error).__name__, "message": message, "line": line, "column": column, "traceback": trace}}


def run(source, filename, request_json):
    """Runs one cloud function; returns the outcome as JSON text."""
    global _output
    _output = _Output()
    database = _db_class()
    try:
        code = compile_function(source, filename)
        request = Request(_loads(request_json))
        scope = {
            "__builtins__": _safe_builtins,
            "__name__": ENTRY_NAME,
            "__cloudfn_format__": _format_attribute,
            "db": database,
            "request": request,
            "req": request,
        }
        scope.update(_standins)
        exec(code, scope)
        entry = scope.get("main")
        if callable(entry):
            value = entry()
        elif "result" in scope:
            value = scope["result"]
        else:
            raise NameError("the function defines neither main() nor a result variable")
        status = None
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], int) and not isinstance(value[1], bool):
            value, status = value
        result_json = _serialize_result(value)
        database._flush()
        outcome = '{"ok": true, "status": %s, "result": %s}' % ("null" if status is None else status, result_json)
    except BaseException as error:  # noqa: BLE001 - every failure of user code becomes an outcome.
        outcome = _dumps(_error_outcome(error, filename))
    finally:
        _output.flush()
    return outcome


# ---------------------------------------------------------------------------------------------------------
# Set-up: setup() runs before the memory snapshot (no JavaScript references), attach() after each start.

def _refuse(*args, **kwargs):
    raise PermissionError("processes are not available in cloud functions")


def setup(policy_json):
    global _policy, _safe_builtins, _standins, _db_class
    _policy = _loads(policy_json)
    _safe_builtins = _make_builtins(_policy)
    _standins = _make_standins(_policy)
    _db_class = _make_db_class(_policy)
    for name in ("system", "popen", "fork", "forkpty", "execv", "execve", "execvp", "execvpe", "execl", "execle",
                 "execlp", "execlpe", "spawnl", "spawnle", "spawnv", "spawnve", "posix_spawn", "posix_spawnp", "kill"):
        if hasattr(os, name):
            setattr(os, name, _refuse)
    sys.setrecursionlimit(1000)


def attach(bridge_call, bridge_insert_rows, bridge_emit, seed):
    """Binds the worker's JavaScript functions and reseeds ids (a snapshot would otherwise repeat them)."""
    global _bridge_call, _bridge_insert_rows, _bridge_emit
    _bridge_call = bridge_call
    _bridge_insert_rows = bridge_insert_rows
    _bridge_emit = bridge_emit
    _rng.seed(seed)
    for name in ("js", "pyodide_js"):
        sys.modules.pop(name, None)
