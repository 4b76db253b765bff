// "cloudfn: Save Last Run as Test" (command palette, and the run panel's title bar): the last finished run of a
// Python function becomes a new entry of its `<name>.payloads.json`: the request it sent, and what it gave as
// the entry's `expect` (recorded as snapshot mode records it: generated ids as "$uuid", times as "$isoDate").
// The Testing view then lists it; the test starts from the file's fixture (or an empty database), not from
// the local database the run saw.

import * as vscode from 'vscode';
import { payloadsFileFor, readPayloads, PayloadFileError } from '../../runtime/testing/payloadsFile';
import { recordExpectation, runRecord } from '../../runtime/testing/expectations';
import { freshEntryName, payloadEntryOf, withNewEntry } from '../../runtime/testing/snapshots';
import type { RunRecord } from '../views/runPanel/runHistory';
import { currentText, replaceText } from '../util/documentText';

/** Writes a finished Python run as a new test of its function, asking for the test's name; returns the file, or undefined when cancelled. */
export async function saveRunAsTest(run: RunRecord | undefined): Promise<string | undefined> {
  if (!run || !run.result || run.parse) {
    void vscode.window.showInformationMessage('cloudfn: Save as Test needs a finished run of a Python function (Parse Cloud Code runs are not saved as tests yet).');
    return undefined;
  }
  const file = payloadsFileFor(run.file);
  const text = currentText(file);
  let taken: Set<string>;
  try {
    taken = new Set(text?.trim() ? readPayloads(text).map((entry) => entry.name) : []);
  } catch (error) {
    if (!(error instanceof PayloadFileError)) throw error;
    void vscode.window.showErrorMessage(`cloudfn: ${vscode.workspace.asRelativePath(file)}: ${error.message}`);
    return undefined;
  }
  const name = await vscode.window.showInputBox({
    title: 'Save as Test', prompt: `A name for the test in ${vscode.workspace.asRelativePath(file)}`,
    value: freshEntryName(run.payloadName, taken),
    validateInput: (value) => (!value.trim() ? 'Enter a name' : taken.has(value.trim()) ? 'An entry of this name exists' : value.trim().startsWith('$') ? 'A name cannot start with $' : undefined),
  });
  if (!name) return undefined;
  const entry = payloadEntryOf(run.spec, recordExpectation(runRecord(run.result)));
  await replaceText(file, withNewEntry(text, name.trim(), entry));
  const document = await vscode.window.showTextDocument(vscode.Uri.file(file));
  const offset = document.document.getText().lastIndexOf(JSON.stringify(name.trim()));
  if (offset >= 0) document.revealRange(new vscode.Range(document.document.positionAt(offset), document.document.positionAt(offset)), vscode.TextEditorRevealType.InCenter);
  return file;
}
