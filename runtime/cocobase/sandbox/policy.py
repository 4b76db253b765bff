# The sandbox policy as data. `rules` is the API model's part (runtime/cocobase/apiModel.ts, sandboxPolicy()):
# allowed builtins, modules and their public names, forbidden attributes and builtins, allowed dunders and
# the db methods; setup() loads it from JSON before the memory snapshot. The constants below are the
# sandbox's own names and limits.

import json

# Filled in place by load(), so that modules which imported it see the loaded policy.
rules = {}

# The `__name__` of user code, and the hidden name of the guard that the code check puts in place of
# `x.format` / `x.format_map` (user code cannot name it: names starting with "__" are refused).
ENTRY_NAME = "__cloudfn__"
FORMAT_GUARD_NAME = "__cloudfn_format__"

# The str methods that format a template with field traversal ("{0.attr}"): reading them as attributes goes
# through the format guard, and class patterns may not read them.
FORMAT_METHODS = ("format", "format_map")

# Builtin types whose class pattern with one positional sub-pattern matches the subject itself
# (`case int(n)`), reading no attribute; every other class pattern's positional sub-patterns are refused.
SELF_MATCHING_TYPES = frozenset({"bool", "bytearray", "bytes", "dict", "float", "frozenset", "int", "list", "set", "str", "tuple"})

# The module name that user code sees in the reprs of the sandbox's classes (`<class 'cloudfn_prelude.Request'>`),
# kept from the time the sandbox was a single module.
VISIBLE_MODULE = "cloudfn_prelude"

# Limits: characters of print() output per run, compiled functions kept, the interpreter's recursion depth.
OUTPUT_LIMIT = 1_000_000
CODE_CACHE_LIMIT = 64
RECURSION_LIMIT = 1000

# Documents that create_document collects before it sends them to the store in one crossing.
INSERT_BATCH = 4096
# Ids create_document asks the store for at first; each later batch is four times larger, up to INSERT_BATCH.
ID_BATCH_FIRST = 16

# Functions of `os` that start or signal processes; setup() replaces them with a refusal.
PROCESS_FUNCTIONS = ("system", "popen", "fork", "forkpty", "execv", "execve", "execvp", "execvpe", "execl", "execle",
                     "execlp", "execlpe", "spawnl", "spawnle", "spawnv", "spawnve", "posix_spawn", "posix_spawnp", "kill")

# Pyodide's modules that hold JavaScript objects; attach() removes them from sys.modules after each start.
JAVASCRIPT_MODULES = ("js", "pyodide_js")


def load(policy_json):
    """Replaces the rules with the policy's JSON form."""
    rules.clear()
    rules.update(json.loads(policy_json))
