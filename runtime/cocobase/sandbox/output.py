# Output capture: print() of user code is collected line by line and streamed to the host as it happens
# (bridge.emit), up to OUTPUT_LIMIT characters per run.

from . import bridge
from .policy import OUTPUT_LIMIT


class _Output:
    def __init__(self):
        self.partial = ""
        self.size = 0
        self.truncated = False

    def write(self, text):
        if self.truncated:
            return
        self.size += len(text)
        if self.size > OUTPUT_LIMIT:
            self.truncated = True
            self.flush()
            bridge.emit(f"[cloudfn] output truncated after {OUTPUT_LIMIT} characters")
            return
        text = self.partial + text
        *lines, self.partial = text.split("\n")
        for line in lines:
            bridge.emit(line)

    def flush(self):
        if self.partial:
            bridge.emit(self.partial)
            self.partial = ""


_output = _Output()


def start():
    """Starts the capture of one run: an empty line and a fresh limit."""
    global _output
    _output = _Output()


def finish():
    """Sends the run's unfinished last line."""
    _output.flush()


# print() of user code; its name shows in `print`'s repr, as before the sandbox became a package.
def _print(*values, sep=" ", end="\n", file=None, flush=False):
    if sep is None:
        sep = " "
    if end is None:
        end = "\n"
    if not isinstance(sep, str) or not isinstance(end, str):
        raise TypeError("print(): sep and end must be strings")
    _output.write(sep.join([str(value) for value in values]) + end)
