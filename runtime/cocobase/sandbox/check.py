# The code check: the user's code is parsed and checked before it runs (no attribute starting with "_" except
# method dunders, no frame/code/traceback attributes, no names starting with "__", no relative imports), then
# `x.format` / `x.format_map` are rewritten into a call of the format guard (guards.py), and the tree is
# compiled. Compiled code is cached per (filename, source).

import ast
import linecache

from .policy import CODE_CACHE_LIMIT, FORMAT_GUARD_NAME, rules

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


class _SandboxChecker(ast.NodeVisitor):
    def __init__(self, policy):
        self.policy = policy

    def visit_Attribute(self, node):
        reason = refused_attribute(node.attr, self.policy)
        if reason:
            raise SandboxViolation(AttributeError, reason, node)
        self.generic_visit(node)

    def _check_name(self, name, node):
        if name.startswith("__") and name != "__name__":
            raise SandboxViolation(NameError, f"name '{name}' is not allowed in cloud functions", node)

    def visit_Name(self, node):
        self._check_name(node.id, node)

    def visit_Global(self, node):
        for name in node.names:
            self._check_name(name, node)

    visit_Nonlocal = visit_Global

    def visit_ImportFrom(self, node):
        if node.level:
            raise SandboxViolation(ImportError, "relative imports are not available in cloud functions", node)
        self.generic_visit(node)


class _FormatRewriter(ast.NodeTransformer):
    """Rewrites `x.format` / `x.format_map` into a call that checks the template's fields first."""

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if node.attr in ("format", "format_map") and isinstance(node.ctx, ast.Load):
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
            _SandboxChecker(rules).visit(tree)
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
