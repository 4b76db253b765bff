# Guards: what user code calls instead of Python's own. Builtins as an allow-list with a guarded print,
# import (modules and the names taken from them are allow-lists), getattr and hasattr, the format guard that
# checks str.format templates, and the refusal that replaces os's process functions.

import builtins as _builtins_module
import os
import _string

from .check import refused_attribute
from .interpreter_imports import future_standin, interpreter_import
from .output import _print
from .policy import FORMAT_METHODS, PROCESS_FUNCTIONS, rules
from .standins import standins


def _check_format_template(template):
    """Refuses format fields that walk to private or frame attributes ("{0.__class__}")."""
    for _literal, field, spec, _conversion in _string.formatter_parser(template):
        if field is None:
            continue
        _first, rest = _string.formatter_field_name_split(field)
        for is_attribute, key in rest:
            reason = refused_attribute(key, rules) if is_attribute else None
            if reason:
                raise AttributeError(f"format field '{field}': {reason}")
        if spec and "{" in spec:
            _check_format_template(spec)


# The format guard; its name shows in the repr of `"...".format`, as before the sandbox became a package.
def _format_attribute(value, name):
    """`value.format` (or format_map) that checks the template's fields before formatting.

    Decided by the method found, not by the receiver: a bound str method checks its string, str's own unbound
    method checks its first argument, whatever the receiver was (a string, a subclass of str, `str`,
    `super(S, S)`...). Any other method of that name is user code and is returned as it is.
    """
    method = getattr(value, name)
    if method is _str_methods.get(name):
        def checked_unbound_format(template, *args, **kwargs):
            if isinstance(template, str):
                _check_format_template(template)
            return method(template, *args, **kwargs)
        return checked_unbound_format
    if type(method) is _BuiltinMethodType and method.__name__ in _str_methods and isinstance(method.__self__, str):
        template = method.__self__
        def checked_format(*args, **kwargs):
            _check_format_template(template)
            return method(*args, **kwargs)
        return checked_format
    return method


_str_methods = {name: getattr(str, name) for name in FORMAT_METHODS}
_BuiltinMethodType = type("".join)


def _guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    if level:
        raise ImportError("relative imports are not available in cloud functions")
    standin = standins.get(name)
    if standin is not None:
        # `import urllib.parse` binds the package; `from urllib.parse import quote` takes from the submodule.
        if "." in name and not fromlist:
            return standins[name.partition(".")[0]]
        members = rules["modules"][name]
        for member in fromlist or ():
            if member not in members:
                raise ImportError(f"cannot import name '{member}' from '{name}' in cloud functions (its names: {', '.join(members)})", name=name)
        return standin
    if name == "__future__":
        return future_standin
    if interpreter_import(name, fromlist, level):
        return None
    allowed = ", ".join(standins)
    raise ImportError(f"import of '{name}' is not allowed in cloud functions (allowed modules: {allowed})", name=name)


def _guarded_getattr(value, name, *default):
    """getattr() under the code check's attribute rule: a refused name raises AttributeError even with a
    default, and format/format_map go through the format guard, as `value.format` does."""
    if type(name) is not str:
        raise TypeError(f"getattr(): attribute name must be a plain str in cloud functions, not '{type(name).__name__}'")
    if len(default) > 1:
        raise TypeError(f"getattr expected at most 3 arguments, got {2 + len(default)}")
    reason = refused_attribute(name, rules)
    if reason:
        raise AttributeError(reason)
    if name in ("format", "format_map"):
        try:
            return _format_attribute(value, name)
        except AttributeError:
            if default:
                return default[0]
            raise
    return getattr(value, name, *default)


def _guarded_hasattr(value, name):
    """hasattr() that refuses the names the code check refuses as attributes."""
    if isinstance(name, str):
        reason = refused_attribute(name, rules)
        if reason:
            raise AttributeError(reason)
    return hasattr(value, name)


def make_builtins(policy):
    """The builtins of user code: the policy's allow-list, the captured print and the guarded import."""
    safe = {}
    for name in policy["builtins"]:
        if hasattr(_builtins_module, name):
            safe[name] = getattr(_builtins_module, name)
    safe["print"] = _print
    safe["__import__"] = _guarded_import
    if "getattr" in safe:
        safe["getattr"] = _guarded_getattr
    if "hasattr" in safe:
        safe["hasattr"] = _guarded_hasattr
    safe["__build_class__"] = _builtins_module.__build_class__
    for name in ("True", "False", "None"):
        safe.pop(name, None)
    return safe


def _refuse(*args, **kwargs):
    raise PermissionError("processes are not available in cloud functions")


def refuse_processes():
    """Replaces os's functions that start or signal processes (Pyodide runs os.system in a real shell)."""
    for name in PROCESS_FUNCTIONS:
        if hasattr(os, name):
            setattr(os, name, _refuse)
