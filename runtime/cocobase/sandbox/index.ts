// The sandbox package's Python files (imported as text: esbuild's text loader in the build), in the order
// pythonRuntime.ts writes them into Pyodide's file system. The snapshot key covers every one of them.

import init from './__init__.py';
import bridge from './bridge.py';
import check from './check.py';
import db from './db.py';
import entry from './entry.py';
import guards from './guards.py';
import interpreterImports from './interpreter_imports.py';
import outcome from './outcome.py';
import output from './output.py';
import policy from './policy.py';
import request from './request.py';
import standins from './standins.py';

/** Name of the Python package that holds the sandbox. */
export const sandboxPackage = 'cloudfn_sandbox';

/** The package's files: name in the package → source. */
export const sandboxFiles: Readonly<Record<string, string>> = {
  '__init__.py': init,
  'bridge.py': bridge,
  'check.py': check,
  'db.py': db,
  'entry.py': entry,
  'guards.py': guards,
  'interpreter_imports.py': interpreterImports,
  'outcome.py': outcome,
  'output.py': output,
  'policy.py': policy,
  'request.py': request,
  'standins.py': standins,
};
