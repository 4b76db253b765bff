# Imports that the interpreter makes for user code, as opposed to the imports user code writes: the C code of
# date.strftime, f"{d:%Y}", timetuple() imports `time`, datetime.strptime imports `_strptime`, and
# `class Stack[T]:` imports `typing`. That C code (PyImport_Import) goes through the `__import__` of the
# running frame's builtins, which for user code is the guarded import (guards.py); it passes an empty list as
# fromlist, which an import statement never does (it passes None or a tuple), ignores what it gets back and
# takes the module from sys.modules itself. So such an import of one of INTERPRETER_MODULES is done for real and
# answered with None: the C code finds its module, and user code never receives one. Also the stand-in of
# `__future__`, so that `from __future__ import annotations` (a compiler directive) is accepted.

import builtins as _builtins_module
import __future__ as _future_module

from .policy import VISIBLE_MODULE
from .standins import _ReadOnlyModule

# What CPython's C code imports while user code runs (found by running every method of the allowed types and
# modules under a logging import): datetime's strftime/timetuple and strptime, PEP 695 generics, and the C
# warnings machinery (which falls back to its own filters when the import fails).
INTERPRETER_MODULES = ("time", "_strptime", "typing", "warnings")

_real_import = _builtins_module.__import__

# `from __future__ import annotations` binds the feature object; the stand-in holds nothing else.
future_standin = type("__future__", (_ReadOnlyModule,), {"module_name": "__future__", "__slots__": (), "__module__": VISIBLE_MODULE})(
    **{name: getattr(_future_module, name) for name in _future_module.all_feature_names})


def interpreter_import(name, fromlist, level):
    """True (after importing the module) when the call is the interpreter's own import of a module it needs."""
    if level or type(fromlist) is not list or fromlist or name not in INTERPRETER_MODULES:
        return False
    _real_import(name)
    return True


def preload():
    """Imports the interpreter's modules before the memory snapshot, so that no run pays for their first import."""
    for name in INTERPRETER_MODULES:
        _real_import(name)
