# The entry of the sandbox, called from JavaScript: setup() once before the memory snapshot (the policy, the
# builtins, the stand-ins, the db class, interpreter-wide settings; no JavaScript references), attach() after
# each start (binds the worker's functions), and run(), which compiles and runs one cloud function.

import json as _json_module
import sys
import types
import warnings

from . import bridge, output
from .check import compile_function
from .db import json_default, make_db_class
from .guards import _format_attribute, make_builtins, refuse_processes
from .interpreter_imports import preload as preload_interpreter_modules
from .outcome import error_outcome, serialize_result
from .policy import ENTRY_NAME, FORMAT_GUARD_NAME, JAVASCRIPT_MODULES, RECURSION_LIMIT, load, rules
from .render import HtmlResponse, Render, warm_up as warm_up_render
from .request import Request
from .effects import http_calls, outbox, reset_effects
from .services import start_run as start_services
from .standins import build as build_standins, standins
from .standins_current import build as build_current_standins, injected_classes, start_run as start_current_standins

_dumps = _json_module.dumps
_loads = _json_module.loads

# Set by setup().
_safe_builtins = None
_db_class = None


def run(source, filename, request_json):
    """Runs one cloud function; returns the outcome: a JSON header line, then for a success the result's JSON
    text exactly as json.dumps gives it (so that JavaScript never holds it as a value, which would round big
    integers, write 10.0 as 10 and reorder integer-like keys)."""
    output.start()
    reset_effects()
    database = _db_class()
    try:
        code = compile_function(source, filename)
        spec = _loads(request_json)
        context = spec.get("context") or {}
        request = Request(spec)
        start_current_standins()
        scope = {
            "__builtins__": _safe_builtins,
            "__name__": ENTRY_NAME,
            FORMAT_GUARD_NAME: _format_attribute,
            "db": database,
            "request": request,
            "req": request,
        }
        # Dotted stand-ins (urllib.parse) are reached through their package, never as globals.
        scope.update((name, standin) for name, standin in standins.items() if "." not in name)
        scope.update(injected_classes)
        scope.update(start_services(context))
        scope["render"] = Render(context)
        exec(code, scope)
        entry = scope.get("main")
        if callable(entry):
            value = _finish(entry())
        elif "result" in scope:
            value = scope["result"]
        else:
            raise NameError("the function defines neither main() nor a result variable")
        status = None
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], int) and not isinstance(value[1], bool):
            value, status = value
        content_type = None
        if isinstance(value, HtmlResponse):
            # An HTML answer: its text is the result, its status the response's unless a tuple gave one.
            value, content_type, status = value.body, value.content_type, value.status_code if status is None else status
        result_json = serialize_result(value)
        database._flush()
        header = {"ok": True, "status": status, "content_type": content_type, "outbox": outbox, "http_calls": http_calls}
        outcome = f"{_dumps(header, default=json_default)}\n{result_json}"
    except BaseException as error:  # noqa: BLE001 - every failure of user code becomes an outcome.
        failure = error_outcome(error, filename)
        failure.update(outbox=outbox, http_calls=http_calls)
        outcome = _dumps(failure, default=json_default)
    finally:
        output.finish()
    return outcome


def _finish(value):
    """The value of `main()`; for `async def main()`, its coroutine run to the end (the time limit still holds)."""
    if not isinstance(value, types.CoroutineType):
        return value
    # A plain driver, deterministic and without an event loop: the API's awaitables complete at once, and a
    # bare yield (an awaitable that is not ready) is resumed straight away.
    try:
        while True:
            value.send(None)
    except StopIteration as done:
        return done.value


def setup(policy_json):
    """Loads the policy and builds everything a run needs; runs before the memory snapshot."""
    global _safe_builtins, _db_class
    warnings.simplefilter("ignore")
    load(policy_json)
    build_standins(rules)
    build_current_standins(rules)
    warm_up_render()
    _safe_builtins = make_builtins(rules)
    _db_class = make_db_class(rules)
    refuse_processes()
    preload_interpreter_modules()
    sys.setrecursionlimit(RECURSION_LIMIT)


def attach(bridge_call, bridge_insert_rows, bridge_emit):
    """Binds the worker's JavaScript functions."""
    bridge.bind(bridge_call, bridge_insert_rows, bridge_emit)
    for name in JAVASCRIPT_MODULES:
        sys.modules.pop(name, None)
