# Stand-ins for the modules user code may import (json, math, re, datetime): read-only objects that expose
# only the policy's public names, so that module attribute walks (json.codecs.sys) reach nothing and no run
# can change a module for the next one.

import datetime as _datetime_module
import json as _json_module
import math as _math_module
import re as _re_module
import types

from .policy import VISIBLE_MODULE

# The stand-ins by module name, filled in place by build().
standins = {}


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
    namespace["__module__"] = VISIBLE_MODULE
    meta = type("datetime_module", (type,), namespace)

    def construct(cls, *args, **kwargs):
        return real.datetime(*args, **kwargs)

    # The injected `datetime` behaves like the datetime.datetime class (the seed calls datetime.now()), while
    # datetime.timedelta, datetime.date... still name the module's classes. Values are plain datetime objects.
    return meta("datetime", (real.datetime,), {"__new__": construct, "__module__": "datetime"})


def make_standin(name, members):
    """A read-only stand-in of module `name` holding exactly `members` (name → value)."""
    standin_class = type(name, (_ReadOnlyModule,), {"module_name": name, "__slots__": (), "__module__": VISIBLE_MODULE})
    return standin_class(**members)


def build(policy):
    """Builds the stand-ins of the seed's modules into `standins` (standins_current.py adds the current API's)."""
    real_modules = {"json": _json_module, "math": _math_module, "re": _re_module}
    standins.clear()
    for name, members in policy["modules"].items():
        if name == "datetime":
            standins[name] = _make_datetime_standin(members)
        elif name in real_modules:
            module = real_modules[name]
            standins[name] = make_standin(name, {m: getattr(module, m) for m in members if hasattr(module, m)})
