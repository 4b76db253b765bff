# The outcome of a run as the host reads it: the function's result as JSON text, or its error with a
# traceback that keeps only the frames of the user's file (the sandbox's own frames never show).

import datetime as _datetime_module
import json as _json_module
import linecache
import math as _math_module
import traceback

from .check import SandboxViolation
from .db import json_default
from .policy import rules

_dumps = _json_module.dumps


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


def serialize_result(value):
    """The function's result as JSON text, as json.dumps writes it; raises TypeError naming the first value json
    cannot encode, or ValueError for NaN and infinities (JSON has none: as json.dumps with allow_nan=False)."""
    try:
        return _dumps(value, default=json_default, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as error:
        found = _first_unserializable_path(value)
        where = f"{found[0]} is {found[1]}" if found else str(error)
        if found and found[1].startswith("float "):
            raise ValueError(f"the function's result is not valid JSON: {where} (JSON has no NaN or Infinity)") from None
        raise TypeError(f"the function's result is not JSON-serializable: {where}") from None


def error_outcome(error, filename):
    """The outcome of a failed run: error type, message, line and column in the user's file, traceback."""
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
    if isinstance(error, MemoryError) and not message:
        # Pyodide's heap is capped at the run's memory limit (confinement.ts): an allocation beyond it lands here.
        message = "out of memory: the allocation does not fit in the function's memory limit"
    if isinstance(error, NameError) and getattr(error, "name", None) in rules["forbiddenBuiltins"]:
        message = f"{message} (not available in cloud functions: {rules['forbiddenBuiltins'][error.name]})"
    trace = "Traceback (most recent call last):\n" + "".join(traceback.StackSummary.from_list(frames).format()) if frames else ""
    if isinstance(error, SyntaxError):
        trace += "".join(traceback.format_exception_only(type(error), error))
    else:
        trace += f"{type(error).__name__}: {message}\n"
    return {"ok": False, "error": {"type": type(error).__name__, "message": message, "line": line, "column": column, "traceback": trace}}
