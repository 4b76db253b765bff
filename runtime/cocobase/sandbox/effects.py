# The run's side effects that a local tool shows instead of performing them (spec §6): the outbox of mails
# (request.send_mail and email.*) and the outgoing http calls; both are reported with the run's outcome.

import json as _json_module

from .db import json_default

_dumps = _json_module.dumps
_loads = _json_module.loads

# The run's effects, emptied by reset_effects() when a run starts.
outbox = []
http_calls = []


def reset_effects():
    """Empties the run's effects: called first thing in every run."""
    outbox.clear()
    http_calls.clear()


def _recipients(to, what):
    if isinstance(to, str):
        to = [to]
    if not isinstance(to, (list, tuple)) or not to or not all(isinstance(item, str) and item.strip() for item in to):
        raise ValueError(f"{what}: the recipient must be an email address or a non-empty list of them")
    return [item.strip() for item in to]


def record_mail(to, subject, body=None, template_id=None, context=None, what="send_mail"):
    """Records one mail in the run's outbox (nothing is sent); ValueError when a required part is missing."""
    recipients = _recipients(to, what)
    if not isinstance(subject, str) or not subject.strip():
        raise ValueError(f"{what}: a subject is required")
    if body is not None and not isinstance(body, str):
        raise TypeError(f"{what}: body must be a str, not {type(body).__name__}")
    if template_id is not None and not isinstance(template_id, str):
        raise TypeError(f"{what}: template_id must be a str, not {type(template_id).__name__}")
    if not body and not template_id:
        raise ValueError(f"{what}: a body or a template_id is required")
    if context is not None and not isinstance(context, dict):
        raise TypeError(f"{what}: context must be a dict, not {type(context).__name__}")
    try:
        context = _loads(_dumps(context, default=json_default)) if context is not None else None
    except (TypeError, ValueError) as error:
        raise TypeError(f"{what}: context must be JSON-serializable ({error})") from None
    outbox.append({"to": recipients, "subject": subject, "body": body, "template_id": template_id, "context": context})
    return True
