// The language server's CPython process: started by server/pythonCompiler.ts for the first document to check,
// it restores Pyodide from the build's memory snapshot (about 0.3 s) and answers
// `{ id, source }` messages over IPC with `{ id, result }` (CPython's SyntaxError, or null). A separate process
// keeps Pyodide's memory out of the language server's; it exits when the server disconnects.

import { startPython } from '../runtime/cocobase/pythonRuntime';
import { cpythonSyntaxChecker, type CPythonSyntaxResult } from './analysis/cpythonSyntax';

export interface CompileRequest {
  id: number;
  source: string;
}

export type CompileAnswer = { id: number; result: CPythonSyntaxResult } | { id: number; failure: string };

process.on('disconnect', () => process.exit(0));

const send = (answer: CompileAnswer): void => { process.send?.(answer); };
const ready = startPython().then(({ py }) => cpythonSyntaxChecker(py));

process.on('message', (message: CompileRequest) => {
  ready.then(
    (check) => {
      try {
        send({ id: message.id, result: check(message.source) });
      } catch (error) {
        send({ id: message.id, failure: String(error) });
      }
    },
    (error: unknown) => send({ id: message.id, failure: `cannot start Pyodide: ${String(error)}` }),
  );
});
