// The document filters of cloud-function files: for each glob of `cloudfn.functionGlobs`, one filter (a glob
// that starts with `**/` or is absolute) or one per workspace folder (any other glob is relative to the
// folder, as "Mark File as Cloud Function" writes it); one per folder holding a `cloudfn.json` project file
// (every `.py` below it). Pure, so tests need no editor.

import { projectFileName } from '../../runtime/cocobase/project';

export { projectFileName };

export interface FunctionDocumentFilter {
  scheme: 'file';
  language: 'python';
  pattern: string;
}

/** A folder path as the literal start of a glob: forward slashes, glob characters escaped. */
function globPrefix(folder: string): string {
  return folder.replace(/\\/g, '/').replace(/\/+$/, '').replace(/[[\]{}*?!]/g, '[$&]');
}

/** Whether a glob holds on its own (matched against absolute paths): absolute, or starting with `**`. */
function isAnchored(glob: string): boolean {
  return glob.startsWith('/') || glob.startsWith('**') || /^[A-Za-z]:[\\/]/.test(glob);
}

export function functionSelector(globs: string[], projectFolders: string[], workspaceFolders: string[] = []): FunctionDocumentFilter[] {
  const filter = (pattern: string): FunctionDocumentFilter => ({ scheme: 'file', language: 'python', pattern });
  return [
    ...globs.flatMap((glob) => isAnchored(glob) ? [filter(glob)] : workspaceFolders.map((folder) => filter(`${globPrefix(folder)}/${glob.replace(/^\.\//, '')}`))),
    ...projectFolders.map((folder) => filter(`${globPrefix(folder)}/**/*.py`)),
  ];
}
