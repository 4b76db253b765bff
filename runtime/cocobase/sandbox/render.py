# The `render` service: HTML with Jinja2's own semantics (the vendored Jinja2, see vendor/README.md), through
# Jinja2's SandboxedEnvironment with autoescaping on, which additionally refuses every attribute the code
# check refuses (check.refused_attribute). Templates come from the project's templates/ folder, read by the
# host into the run's context; they may call static(path). render_html and render_template return an
# HtmlResponse, which a function returns to answer HTML (and may `await`, as the docs do).

import jinja2
import jinja2.sandbox

from .check import refused_attribute
from .policy import VISIBLE_MODULE, rules
from .services import CONTENT_TYPE_HTML, _Completed

# Jinja2's modules that it imports lazily (error tracebacks, lorem ipsum, extensions): imported here, before
# the memory snapshot, since the vendored files are gone once the sandbox is installed.
import jinja2.constants  # noqa: F401
import jinja2.debug  # noqa: F401
import jinja2.ext  # noqa: F401
import jinja2.meta  # noqa: F401
import jinja2.nativetypes  # noqa: F401


class _Environment(jinja2.sandbox.SandboxedEnvironment):
    """Jinja2's sandbox, which also refuses what the code check refuses (frame walks, mro...)."""

    def is_safe_attribute(self, obj, attr, value):
        return super().is_safe_attribute(obj, attr, value) and refused_attribute(attr, rules) is None


class HtmlResponse(_Completed):
    """An HTML answer: its text, status and content type; awaiting it gives the response itself."""

    __module__ = VISIBLE_MODULE
    __slots__ = ("body", "status_code", "content_type")

    def __init__(self, body, status_code):
        if type(status_code) is not int or not 100 <= status_code <= 599:
            raise ValueError(f"status_code must be an HTTP status (100 to 599), got {status_code!r}")
        super().__init__(self)
        self.body = body
        self.status_code = status_code
        self.content_type = CONTENT_TYPE_HTML

    def __bool__(self):
        return True

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)

    def __repr__(self):
        return f"<HtmlResponse [{self.status_code}] {len(self.body)} characters>"


def _context(context, what):
    if context is None:
        return {}
    if not isinstance(context, dict):
        raise TypeError(f"render.{what}: context must be a dict, not {type(context).__name__}")
    return context


# One Jinja2 environment for every run, so that compiled templates are reused while their source is
# unchanged: the loader's mapping and the static() global are the current run's (set on its first render),
# and template strings are compiled once per text (at most STRING_CACHE_SIZE kept).
STRING_CACHE_SIZE = 64
_templates = {}
_environment = _Environment(autoescape=True, loader=jinja2.DictLoader(_templates))
_compiled_strings = {}


class Render:
    """HTML rendering with Jinja2 semantics (autoescaping on)."""

    __module__ = VISIBLE_MODULE
    __slots__ = ("_context", "_ready")

    def __init__(self, context):
        self._context = context
        self._ready = False

    def _jinja(self):
        """The environment, holding this run's templates and static() (set on the run's first render)."""
        if not self._ready:
            base = (self._context.get("static_base_url") or "").rstrip("/")
            _templates.clear()
            _templates.update(self._context.get("templates") or {})
            _environment.globals["static"] = lambda path: f"{base}/{str(path).lstrip('/')}"
            self._ready = True
        return _environment

    def _render(self, template, context, what):
        if not isinstance(template, str):
            raise TypeError(f"render.{what}: the template must be a str, not {type(template).__name__}")
        environment = self._jinja()
        compiled = _compiled_strings.get(template)
        if compiled is None:
            compiled = environment.from_string(template)
            if len(_compiled_strings) >= STRING_CACHE_SIZE:
                _compiled_strings.clear()
            _compiled_strings[template] = compiled
        return compiled.render(_context(context, what))

    def render_string(self, html_content, context=None):
        return self._render(html_content, context, "render_string")

    def render_html(self, html_content, context=None, status_code=200):
        return HtmlResponse(self._render(html_content, context, "render_html"), status_code)

    def render_template(self, template_name, context=None, status_code=200):
        if not isinstance(template_name, str):
            raise TypeError(f"render.render_template: the template name must be a str, not {type(template_name).__name__}")
        try:
            template = self._jinja().get_template(template_name)
        except jinja2.TemplateNotFound:
            raise ValueError(f"template '{template_name}' not found in the project's templates/ folder") from None
        return HtmlResponse(template.render(_context(context, "render_template")), status_code)

    def __repr__(self):
        return "Render()"


def warm_up():
    """Renders a template once before the memory snapshot: Jinja2 caches its lexer (compiled regular
    expressions) per settings, so that runs start with it ready."""
    Render({}).render_string("{% for x in items %}{{ loop.index }} {{ x|upper }}{% if x %}!{% endif %}{% endfor %}{{ static('a') }}",
                             {"items": ["a"]})
