# The cloudfn sandbox: runs one CocoBASE cloud function per call of run(), inside Pyodide.
#
# Layers (see README.md, "The sandbox"): a check of the user's code before it runs (check.py), builtins as an
# allow-list with guarded print, import and str.format (guards.py, output.py), read-only stand-ins for json,
# datetime, math and re that expose only public names (standins.py), and a `db` object that talks to the
# store through JSON strings (db.py, bridge.py), so user code never holds a JavaScript object. The policy is
# data (policy.py); entry.py holds setup(), attach() and run(), called from JavaScript. User code cannot
# import this package: its import guard only returns the stand-ins.

from .entry import attach, run, setup
