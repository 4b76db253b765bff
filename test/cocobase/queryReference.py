# A second implementation of the query language (the spec's §4), in plain Python over a fixture's JSON, for
# the differential test in queryLanguage.test.ts: it reads a fixture and a list of cases ({"on", "filters",
# "sort", "order"}) and prints, for each case, the ids of the matching records in the order db.query gives.
# It shares nothing with the TypeScript compiler: it walks the records and applies the rules directly.
#
# Usage: python3 queryReference.py FIXTURE.json CASES.json

import json
import re
import sys

OPERATORS = ["eq", "ne", "gt", "gte", "lt", "lte", "contains", "startswith", "endswith", "in", "notin", "isnull"]
SUFFIX = re.compile(r"^(.+?)__?(" + "|".join(OPERATORS) + r")$")
OR_PREFIX = re.compile(r"^\[or(?::([^\]]*))?\](.*)$")
NUMERIC = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
MISSING = object()
DOCUMENT_COLUMNS = ("id", "created_at", "updated_at")
USER_COLUMNS = ("id", "email", "created_at", "roles")


def parse_key(key):
    bracket = OR_PREFIX.match(key)
    rest = bracket.group(2) if bracket else key
    match = SUFFIX.match(rest)
    field, op = (match.group(1), match.group(2)) if match else (rest, "eq")
    if bracket:
        field = re.sub(r"_\d+$", "", field)
    return (bracket.group(1) or "") if bracket else None, field.split("."), op


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def number_of(value):
    if is_number(value):
        return value
    if isinstance(value, str) and NUMERIC.match(value):
        return float(value)
    return None


def text_of(value):
    """The text form: strings as they are, booleans true/false, numbers their JSON text; None for the rest."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return json.dumps(value)
    return None


def scalar_equal(value, wanted, folded=False):
    if wanted is None:
        return value is None or value is MISSING
    if isinstance(wanted, bool):
        return isinstance(value, bool) and value == wanted
    if is_number(wanted):
        return is_number(value) and value == wanted
    if isinstance(value, str):
        return value.lower() == wanted.lower() if folded else value == wanted
    if isinstance(value, bool):
        return wanted == ("true" if value else "false")
    if is_number(value):
        number = number_of(wanted)
        return number is not None and value == number
    return False


def compare(value, op, wanted):
    if value is None or value is MISSING or isinstance(value, (dict, list)):
        return False
    left, right = number_of(value), number_of(wanted)
    if left is None or right is None or isinstance(value, bool):
        left, right = text_of(value), text_of(wanted)
    return {"gt": left > right, "gte": left >= right, "lt": left < right, "lte": left <= right}[op]


def text_match(value, op, needle):
    text = text_of(value)
    if text is None:
        return False
    text, needle = text.lower(), needle.lower()
    return {"contains": needle in text, "startswith": text.startswith(needle), "endswith": text.endswith(needle)}[op]


def items_of(value):
    return [item.strip() for item in value.split(",")] if isinstance(value, str) else list(value)


def any_item(value, test):
    return test(value) or (isinstance(value, list) and any(test(item) for item in value))


def field_test(value, op, wanted, folded=False):
    if op == "isnull":
        truthy = wanted is True or (isinstance(wanted, str) and wanted.lower() in ("true", "1"))
        return (value is None or value is MISSING) == truthy
    if op in ("eq", "ne"):
        found = any_item(value, lambda v: scalar_equal(v, wanted, folded))
        return found if op == "eq" else not found
    if op in ("in", "notin"):
        found = any_item(value, lambda v: any(scalar_equal(v, item, folded) for item in items_of(wanted)))
        return found if op == "in" else not found
    if op in ("gt", "gte", "lt", "lte"):
        if folded and isinstance(value, str):
            return any_item(value.lower(), lambda v: compare(v, op, wanted.lower() if isinstance(wanted, str) else wanted))
        return any_item(value, lambda v: compare(v, op, wanted))
    return any_item(value, lambda v: text_match(v, op, wanted))


class Database:
    def __init__(self, fixture):
        self.collections = {c["name"]: [self.document(d) for d in c.get("documents", [])] for c in fixture["collections"]}
        self.users = [dict(u, data=u.get("data", {}), roles=u.get("roles", [])) for u in fixture.get("app_users", [])]

    @staticmethod
    def document(entry):
        record = {"id": entry["id"], "created_at": entry["created_at"], "updated_at": entry.get("updated_at", entry["created_at"])}
        record.update({k: v for k, v in entry["data"].items() if k not in DOCUMENT_COLUMNS})
        return record

    def target(self, name):
        plural = name[:-1] + "ies" if name.endswith("y") else name + "ses" if name.endswith("s") else name + "s"
        if plural in ("users", "app_users", "appusers"):
            return "users"
        for candidate in (plural, name):
            if candidate in self.collections:
                return candidate
        return "users"

    def records(self, on):
        return self.users if on == "users" else self.collections[on]

    def value(self, record, on, path):
        if on == "users":
            if len(path) == 1 and path[0] in USER_COLUMNS:
                return record[path[0]]
            current = record["data"]
        else:
            current = record
        for key in path:
            if not isinstance(current, dict) or key not in current:
                return MISSING
            current = current[key]
        return current

    def matches(self, record, on, path, op, wanted):
        holder = record["data"] if on == "users" else record
        if len(path) > 1:
            name, rest = path[0], path[1:]
            one, many = holder.get(name + "_id"), holder.get(name + "_ids")
            target = self.target(name)
            by_id = {r["id"]: r for r in self.records(target)}
            if one is not None:
                return one in by_id and self.matches(by_id[one], target, rest, op, wanted)
            if isinstance(many, list):
                return any(item in by_id and self.matches(by_id[item], target, rest, op, wanted) for item in many)
        folded = on == "users" and path == ["email"]
        return field_test(self.value(record, on, path), op, wanted, folded)

    def query(self, on, filters, sort=None, order="asc"):
        plain, groups = [], {}
        for key, wanted in filters.items():
            group, path, op = parse_key(key)
            (plain if group is None else groups.setdefault(group, [])).append((path, op, wanted))
        found = [r for r in self.records(on)
                 if all(self.matches(r, on, *c) for c in plain)
                 and all(any(self.matches(r, on, *c) for c in group) for group in groups.values())]
        found.sort(key=lambda r: r["id"])
        found.sort(key=lambda r: r["created_at"], reverse=True)
        if sort:
            def key(record):
                value = self.value(record, on, sort.split("."))
                if isinstance(value, str) and on == "users" and sort == "email":
                    value = value.lower()
                if isinstance(value, bool):
                    value = int(value)
                if isinstance(value, (dict, list)):
                    value = json.dumps(value, separators=(",", ":"))
                return (0, value) if is_number(value) else (1, value)
            present = [r for r in found if self.value(r, on, sort.split(".")) not in (None, MISSING)]
            absent = [r for r in found if self.value(r, on, sort.split(".")) in (None, MISSING)]
            found = sorted(present, key=key, reverse=order.lower() == "desc") + absent
        return [r["id"] for r in found]


def main():
    fixture = json.load(open(sys.argv[1], encoding="utf-8"))
    cases = json.load(open(sys.argv[2], encoding="utf-8"))
    database = Database(fixture)
    print(json.dumps([database.query(c["on"], c["filters"], c.get("sort"), c.get("order", "asc")) for c in cases]))


main()
