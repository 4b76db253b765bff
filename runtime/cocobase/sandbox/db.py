# The db object: methods generated from the API model that call the store through the bridge with JSON
# strings (user code never holds a JavaScript object), plus create_document, which batches inserts and makes
# timestamps here as the store does, with ids the store hands out in batches (crypto.randomUUID).

import builtins as _builtins_module
import datetime as _datetime_module
import json as _json_module
import time
from json.encoder import c_make_encoder as _make_encoder, encode_basestring_ascii as _encode_string

from . import bridge
from .policy import ID_BATCH_FIRST, INSERT_BATCH, VISIBLE_MODULE

_loads = _json_module.loads
# json.loads without its checks around the text, for the compact JSON that _encode_data wrote.
_scan = _json_module.JSONDecoder().scan_once


def json_default(value):
    """Encodes datetime values as ISO 8601 text; refuses every other type json does not know."""
    if isinstance(value, (_datetime_module.datetime, _datetime_module.date, _datetime_module.time)):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# The encoder of stored data: what JSONEncoder(default=json_default, allow_nan=False, separators=(",", ":"))
# .encode() builds for each call (its C encoder, with a dict of the containers being encoded to detect
# cycles), built once. The C encoder leaves that dict filled when it raises: it is emptied then.
_encoding = {}
_c_encode_data = _make_encoder(_encoding, json_default, _encode_string, None, ":", ",", False, False, False)


def _encode_data(data):
    """The compact JSON text of `data`, exactly as json.dumps(data, default=json_default, allow_nan=False,
    separators=(",", ":")) writes it, with the same errors."""
    try:
        # The C encoder gives the whole text as its one chunk (CPython 3.13 and later); join() what it gives.
        chunks = _c_encode_data(data, 0)
        return chunks[0] if len(chunks) == 1 else "".join(chunks)
    except BaseException:
        _encoding.clear()
        raise


_encode_arguments = _json_module.JSONEncoder(default=json_default).encode

_ERROR_TYPES = {"ValueError": ValueError, "TypeError": TypeError, "KeyError": KeyError, "RuntimeError": RuntimeError}


def _raise_bridge_error(answer):
    error = _loads(answer[1:])
    raise _ERROR_TYPES.get(error.get("type"), RuntimeError)(error.get("message"))


# The clock's last millisecond and second, each with its text, kept between calls: a loop of create_document
# calls reads the clock once a call, and formats a time only when its millisecond (its second) changed.
_clock = [None, "", None, ""]
_time_ns = time.time_ns


def _timestamp(millisecond):
    """The millisecond (since the epoch) as the store writes times: ISO 8601 UTC with milliseconds and a Z."""
    second = millisecond // 1000
    if second != _clock[2]:
        _clock[2] = second
        _clock[3] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
    _clock[0] = millisecond
    _clock[1] = f"{_clock[3]}.{millisecond % 1000:03d}Z"
    return _clock[1]


# Ids for create_document, handed out by the store in batches that grow up to INSERT_BATCH (a run that
# creates one document asks for a few). Module state: ids left over from one run serve the next; it is empty
# in the memory snapshot (setup() creates no document), so no two processes share ids.
_fresh_ids = []
_id_batch = ID_BATCH_FIRST


def _new_id():
    """A random UUID version 4 from the store (crypto.randomUUID), like the ids it makes itself."""
    global _id_batch
    if not _fresh_ids:
        answer = bridge.call("new_ids", f'{{"count":{_id_batch}}}')
        if answer and answer[0] == "!":
            _raise_bridge_error(answer)
        _fresh_ids.extend(_loads(answer))
        _id_batch = min(_id_batch * 4, INSERT_BATCH)
    return _fresh_ids.pop()


_pop_id = _fresh_ids.pop


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
            answer = bridge.insert_rows(records)
            if answer and answer[0] == "!":
                _raise_bridge_error(answer)

    def _call(self, operation, arguments):
        self._flush()
        if operation in ("delete_collection", "update_collection"):
            self._collection_ids.clear()
        answer = bridge.call(operation, _encode_arguments(arguments))
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
        # The id and the time (the store's Date.now() millisecond), their common cases written out: a loop's every
        # call takes these steps.
        document_id = _pop_id() if _fresh_ids else _new_id()
        millisecond = _time_ns() // 1_000_000
        now = _clock[1] if millisecond == _clock[0] else _timestamp(millisecond)
        data_json = _encode_data(data)
        self._pending.append(f"{document_id}\x1f{collection_id}\x1f{data_json}\x1f{now}")
        if len(self._pending) >= INSERT_BATCH:
            self._flush()
        # A copy of the data as the store gives it back (json.loads of the stored text).
        return {"id": document_id, "collection_id": collection_id, "data": _scan(data_json, 0)[0], "created_at": now, "updated_at": now}

    def __repr__(self):
        return "<cloudfn db: local database>"


def make_db_class(policy):
    """Generates the db class from the API model so that signatures and argument errors are Python's own."""
    namespace = {}
    source = []
    # Methods of the current API take keyword filters (`**filters`); they cross the bridge under the key "**".
    keywords = policy.get("dbKeywords", {})
    for name, params in policy["dbMethods"].items():
        if name == "create_document":
            continue
        signature = ", ".join(["self"] + [p["name"] if p["default"] is None else f"{p['name']}={p['default']}" for p in params])
        arguments = ", ".join(f"{p['name']!r}: {p['name']}" for p in params)
        if name in keywords:
            signature += f", **{keywords[name]}"
            arguments += f", '**': {keywords[name]}"
        source.append(f"def {name}({signature}):\n    return self._call({name!r}, {{{arguments}}})\n")
    exec("".join(source), {"__builtins__": _builtins_module}, namespace)
    for function in namespace.values():
        function.__module__ = "cloudfn"
    namespace["__slots__"] = ()
    namespace["__module__"] = VISIBLE_MODULE
    return type("Database", (_DatabaseBase,), namespace)
