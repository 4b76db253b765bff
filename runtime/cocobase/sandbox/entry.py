# The entry of the sandbox, called from JavaScript: setup() once before the memory snapshot (the policy, the
# builtins, the stand-ins, the db class, interpreter-wide settings; no JavaScript references), attach() after
# each start (binds the worker's functions), and run(), which compiles and runs one cloud function.

import json as _json_module
import sys
import warnings

from . import bridge, output
from .check import compile_function
from .db import make_db_class, seed
from .guards import _format_attribute, make_builtins, refuse_processes
from .interpreter_imports import preload as preload_interpreter_modules
from .outcome import error_outcome, serialize_result
from .policy import ENTRY_NAME, FORMAT_GUARD_NAME, JAVASCRIPT_MODULES, RECURSION_LIMIT, load, rules
from .request import Request
from .standins import build as build_standins, standins

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
    database = _db_class()
    try:
        code = compile_function(source, filename)
        request = Request(_loads(request_json))
        scope = {
            "__builtins__": _safe_builtins,
            "__name__": ENTRY_NAME,
            FORMAT_GUARD_NAME: _format_attribute,
            "db": database,
            "request": request,
            "req": request,
        }
        scope.update(standins)
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
        result_json = serialize_result(value)
        database._flush()
        outcome = '{"ok": true, "status": %s}\n%s' % ("null" if status is None else status, result_json)
    except BaseException as error:  # noqa: BLE001 - every failure of user code becomes an outcome.
        outcome = _dumps(error_outcome(error, filename))
    finally:
        output.finish()
    return outcome


def setup(policy_json):
    """Loads the policy and builds everything a run needs; runs before the memory snapshot."""
    global _safe_builtins, _db_class
    warnings.simplefilter("ignore")
    load(policy_json)
    build_standins(rules)
    _safe_builtins = make_builtins(rules)
    _db_class = make_db_class(rules)
    refuse_processes()
    preload_interpreter_modules()
    sys.setrecursionlimit(RECURSION_LIMIT)


def attach(bridge_call, bridge_insert_rows, bridge_emit, seed_value):
    """Binds the worker's JavaScript functions and reseeds ids (a snapshot would otherwise repeat them)."""
    bridge.bind(bridge_call, bridge_insert_rows, bridge_emit)
    seed(seed_value)
    for name in JAVASCRIPT_MODULES:
        sys.modules.pop(name, None)
