# Stand-ins for the current API's modules (time, secrets, uuid, hashlib, base64, string, collections, random,
# itertools, functools, urllib.parse) and the injected timedelta class: read-only objects that expose only the
# policy's public names, as standins.py does for the seed's modules. A few members are replaced where the real
# one would break a sandbox rule or a run's independence:
# - time.sleep sleeps in short slices, so the time limit's interrupt stops it (Pyodide's sleep ignores it);
# - random's functions belong to one Random instance reseeded from the system's entropy before every run, so
#   runs never see each other's seed (nor the memory snapshot's state);
# - functools.update_wrapper / wraps accept only attribute names the code check allows (besides their
#   defaults), since they read and write the attributes they are given by name;
# - hashlib.pbkdf2_hmac is written in Python (Pyodide has no OpenSSL, which CPython 3.12+ needs for it).
# string.Formatter is not exposed (its get_field walks "{0.__class__}" without the format guard).

import base64 as _base64_module
import collections as _collections_module
import datetime as _datetime_module
import functools as _functools_module
import hashlib as _hashlib_module
import itertools as _itertools_module
import random as _random_module
import secrets as _secrets_module
import string as _string_module
import time as _time_module
import urllib.parse as _urllib_parse_module
import uuid as _uuid_module

from .check import refused_attribute
from .policy import rules
from .standins import make_standin, standins

# Slices of time.sleep, in seconds: the interrupt of the time limit lands between two of them.
SLEEP_SLICE = 0.01

_run_random = _random_module.Random()


def _sleep(seconds):
    """time.sleep that the time limit can interrupt."""
    end = _time_module.monotonic() + seconds
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    while True:
        left = end - _time_module.monotonic()
        if left <= 0:
            return None
        _time_module.sleep(min(left, SLEEP_SLICE))


_TRANS_5C = bytes((x ^ 0x5C) for x in range(256))
_TRANS_36 = bytes((x ^ 0x36) for x in range(256))


def _pbkdf2_hmac(hash_name, password, salt, iterations, dklen=None):
    """PBKDF2 with HMAC, as hashlib.pbkdf2_hmac (RFC 8018), over the hash functions the runtime has."""
    if not isinstance(hash_name, str):
        raise TypeError(f"pbkdf2_hmac() argument 'hash_name' must be str, not {type(hash_name).__name__}")
    password, salt = bytes(password), bytes(salt)
    inner, outer = _hashlib_module.new(hash_name), _hashlib_module.new(hash_name)
    block_size = inner.block_size
    if len(password) > block_size:
        password = _hashlib_module.new(hash_name, password).digest()
    password = password + b"\x00" * (block_size - len(password))
    inner.update(password.translate(_TRANS_36))
    outer.update(password.translate(_TRANS_5C))

    def prf(message):
        inner_copy, outer_copy = inner.copy(), outer.copy()
        inner_copy.update(message)
        outer_copy.update(inner_copy.digest())
        return outer_copy.digest()

    if iterations < 1:
        raise ValueError("iteration value must be greater than 0.")
    if dklen is None:
        dklen = outer.digest_size
    if dklen < 1:
        raise ValueError("key length must be greater than 0.")
    derived = b""
    block = 1
    while len(derived) < dklen:
        previous = prf(salt + block.to_bytes(4, "big"))
        key = int.from_bytes(previous, "big")
        for _ in range(iterations - 1):
            previous = prf(previous)
            key ^= int.from_bytes(previous, "big")
        block += 1
        derived += key.to_bytes(inner.digest_size, "big")
    return derived[:dklen]


def _checked_names(names, defaults, what):
    """The attribute names given to update_wrapper/wraps, once, each allowed by the code check's rule."""
    names = tuple(names)
    for name in names:
        if type(name) is not str:
            raise TypeError(f"functools.{what}: attribute names must be plain str in cloud functions")
        if name not in defaults:
            reason = refused_attribute(name, rules)
            if reason:
                raise AttributeError(f"functools.{what}: {reason}")
    return names


def _update_wrapper(wrapper, wrapped, assigned=_functools_module.WRAPPER_ASSIGNMENTS, updated=_functools_module.WRAPPER_UPDATES):
    assigned = _checked_names(assigned, _functools_module.WRAPPER_ASSIGNMENTS, "update_wrapper")
    updated = _checked_names(updated, _functools_module.WRAPPER_UPDATES, "update_wrapper")
    return _functools_module.update_wrapper(wrapper, wrapped, assigned, updated)


def _wraps(wrapped, assigned=_functools_module.WRAPPER_ASSIGNMENTS, updated=_functools_module.WRAPPER_UPDATES):
    assigned = _checked_names(assigned, _functools_module.WRAPPER_ASSIGNMENTS, "wraps")
    updated = _checked_names(updated, _functools_module.WRAPPER_UPDATES, "wraps")
    return _functools_module.partial(_update_wrapper, wrapped=wrapped, assigned=assigned, updated=updated)


# The real modules behind the stand-ins, and the members that are replaced.
_MODULES = {
    "time": (_time_module, {"sleep": _sleep}),
    "secrets": (_secrets_module, {}),
    "uuid": (_uuid_module, {}),
    "hashlib": (_hashlib_module, {"pbkdf2_hmac": _pbkdf2_hmac}),
    "base64": (_base64_module, {}),
    "string": (_string_module, {}),
    "collections": (_collections_module, {}),
    "random": (_run_random, {}),
    "itertools": (_itertools_module, {}),
    "functools": (_functools_module, {"update_wrapper": _update_wrapper, "wraps": _wraps}),
    "urllib.parse": (_urllib_parse_module, {}),
}
# random's classes come from the module; its functions are the run's Random instance's methods.
_RANDOM_CLASSES = {"Random": _random_module.Random, "SystemRandom": _random_module.SystemRandom}

# Injected classes by global name (timedelta: the datetime.timedelta class, not a module).
_CLASSES = {"timedelta": _datetime_module.timedelta}

# Filled by build(): the injected classes.
injected_classes = {}


def build(policy):
    """Adds the stand-ins of the current API's modules to `standins`, and fills `injected_classes`."""
    for name, (source, replaced) in _MODULES.items():
        members = {}
        for member in policy["modules"].get(name, ()):
            if member in replaced:
                members[member] = replaced[member]
            elif name == "random" and member in _RANDOM_CLASSES:
                members[member] = _RANDOM_CLASSES[member]
            elif hasattr(source, member):
                members[member] = getattr(source, member)
        standins[name] = make_standin(name, members)
    # The package `urllib` holds only its parse submodule (listed before it, as the API model lists them).
    parse = standins.pop("urllib.parse")
    standins["urllib"] = make_standin("urllib", {"parse": parse})
    standins["urllib.parse"] = parse
    injected_classes.clear()
    injected_classes.update({name: _CLASSES[name] for name in policy.get("injectedClasses", ())})


def start_run():
    """Reseeds the run's Random instance from the system's entropy, so that no run sees another's seed."""
    _run_random.seed()
