# The code check: the user's code is parsed and checked before it runs, then `x.format` / `x.format_map` are
# rewritten into a call of the format guard (guards.py), and the tree is compiled. Compiled code is cached
# per (filename, source).
#
# The check covers every way a name in the source becomes an attribute lookup: attribute nodes, the keyword
# names of class patterns in `match` (plain strings in the tree), the positional sub-patterns of class
# patterns (their attribute names come from the class's `__match_args__` at run time, so they are only
# allowed where Python reads no attribute: one sub-pattern of a builtin type such as `int(x)`), and the names
# of `from MODULE import NAME` (private names here; the import guard allows only the policy's public names of
# each module). Names starting with
# "__" are refused (except `__name__`), wherever the tree names them: loads, stores, parameters, definitions
# of classes, imports' aliases, capture patterns. Relative and star imports are refused.

import ast
import linecache

from .policy import CODE_CACHE_LIMIT, FORMAT_GUARD_NAME, FORMAT_METHODS, SELF_MATCHING_TYPES, rules

_code_cache = {}


class SandboxViolation(Exception):
    """A construct the sandbox refuses, found before the function runs; carries the Python error to raise."""

    def __init__(self, error_type, message, node):
        super().__init__(message)
        self.error_type = error_type
        self.lineno = getattr(node, "lineno", None)
        self.col_offset = getattr(node, "col_offset", None)


def refused_attribute(name, policy):
    """Why reading attribute `name` is refused, or None when it is allowed: one rule for every way to read one."""
    if name.startswith("_") and name not in policy["allowedDunderAttributes"]:
        return f"access to private attribute '{name}' is not allowed in cloud functions"
    if name in policy["forbiddenAttributes"]:
        return f"attribute '{name}' is not allowed in cloud functions"
    return None


def _bound_names(tree):
    """Every name the module binds anywhere (assignments, parameters, definitions, imports, captures...)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
        elif isinstance(node, (ast.TypeVar, ast.ParamSpec, ast.TypeVarTuple)):
            names.add(node.name)
        elif isinstance(node, ast.TypeAlias):
            names.add(node.name.id)
    return names


class _SandboxChecker(ast.NodeVisitor):
    def __init__(self, policy, tree):
        self.policy = policy
        self.bound = _bound_names(tree)
        # Whether the node being visited is directly in a class body (its names may resolve through a
        # metaclass's __prepare__ mapping, so a builtin's name there may stand for any object).
        self.in_class_body = False

    def _check_attribute(self, name, node, what="attribute"):
        reason = refused_attribute(name, self.policy)
        if reason:
            if what != "attribute":
                reason = f"{what} '{name}': {reason}"
            raise SandboxViolation(AttributeError, reason, node)

    def _check_name(self, name, node):
        if name and name.startswith("__") and name != "__name__":
            raise SandboxViolation(NameError, f"name '{name}' is not allowed in cloud functions", node)

    def visit_Attribute(self, node):
        self._check_attribute(node.attr, node)
        self.generic_visit(node)

    def visit_Name(self, node):
        self._check_name(node.id, node)

    def visit_Global(self, node):
        for name in node.names:
            self._check_name(name, node)

    visit_Nonlocal = visit_Global

    def visit_arg(self, node):
        self._check_name(node.arg, node)
        self.generic_visit(node)

    def visit_alias(self, node):
        self._check_name(node.asname, node)

    def visit_ExceptHandler(self, node):
        self._check_name(node.name, node)
        self.generic_visit(node)

    def visit_MatchAs(self, node):
        self._check_name(node.name, node)
        self.generic_visit(node)

    def visit_MatchStar(self, node):
        self._check_name(node.name, node)

    def visit_MatchMapping(self, node):
        self._check_name(node.rest, node)
        self.generic_visit(node)

    def visit_ClassDef(self, node):
        self._check_name(node.name, node)
        for child in (*node.decorator_list, *node.bases, *node.keywords, *node.type_params):
            self.visit(child)
        outer, self.in_class_body = self.in_class_body, True
        for statement in node.body:
            self.visit(statement)
        self.in_class_body = outer

    def _visit_function(self, node):
        # Methods may define dunders (__init__, __repr__...): the name is a definition, not a lookup.
        outer, self.in_class_body = self.in_class_body, False
        self.generic_visit(node)
        self.in_class_body = outer

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _visit_function

    def visit_MatchClass(self, node):
        for name in node.kwd_attrs:
            self._check_attribute(name, node, "class pattern keyword")
            if name in FORMAT_METHODS:
                raise SandboxViolation(AttributeError, f"class pattern keyword '{name}' is not allowed in cloud functions", node)
        if node.patterns and not self._matches_itself(node.cls, len(node.patterns)):
            raise SandboxViolation(
                AttributeError,
                "positional sub-patterns of a class pattern read the attributes the class's __match_args__ names, "
                "which is not allowed in cloud functions; use keyword sub-patterns (case Point(x=x, y=y)) or a "
                "builtin type (case int(n))",
                node,
            )
        self.generic_visit(node)

    def _matches_itself(self, cls, count):
        """Whether `case cls(p)` is a builtin type matching the subject itself, reading no attribute."""
        return (count == 1 and isinstance(cls, ast.Name) and cls.id in SELF_MATCHING_TYPES
                and cls.id in self.policy["builtins"] and cls.id not in self.bound and not self.in_class_body)

    def visit_ImportFrom(self, node):
        # Which names a module gives is an allow-list checked when the import runs (guards.py), so that
        # `try: from json import x` / `except ImportError` keeps working; names that could never be allowed are
        # refused here, with their line.
        if node.level:
            raise SandboxViolation(ImportError, "relative imports are not available in cloud functions", node)
        for alias in node.names:
            if alias.name == "*":
                raise SandboxViolation(ImportError, "star imports are not available in cloud functions", node)
            reason = refused_attribute(alias.name, self.policy)
            if reason:
                raise SandboxViolation(ImportError, f"cannot import name '{alias.name}': {reason}", node)
            self._check_name(alias.asname, node)


class _FormatRewriter(ast.NodeTransformer):
    """Rewrites `x.format` / `x.format_map` into a call that checks the template's fields first."""

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if node.attr in FORMAT_METHODS and isinstance(node.ctx, ast.Load):
            call = ast.Call(
                func=ast.Name(id=FORMAT_GUARD_NAME, ctx=ast.Load()),
                args=[node.value, ast.Constant(node.attr)],
                keywords=[],
            )
            return ast.copy_location(call, node)
        return node


def compile_function(source, filename):
    """Compiles a cloud function once per (filename, source); raises SyntaxError or SandboxViolation."""
    key = (filename, source)
    cached = _code_cache.get(key)
    if cached is None:
        try:
            tree = ast.parse(source, filename, "exec")
            _SandboxChecker(rules, tree).visit(tree)
            tree = ast.fix_missing_locations(_FormatRewriter().visit(tree))
            cached = compile(tree, filename, "exec", dont_inherit=True)
        except (SyntaxError, SandboxViolation) as error:
            cached = error
        if len(_code_cache) >= CODE_CACHE_LIMIT:
            _code_cache.clear()
        _code_cache[key] = cached
        lines = source.splitlines(True)
        linecache.cache[filename] = (len(source), None, lines, filename)
    if isinstance(cached, BaseException):
        raise cached
    return cached
