// The document filters of cloud-function files: one per glob of `cloudfn.functionGlobs`, one per folder
// holding a `cloudfn.json` project file (every `.py` below it). Pure, so tests need no editor.

import path from 'node:path';

export const projectFileName = 'cloudfn.json';

export interface FunctionDocumentFilter {
  scheme: 'file';
  language: 'python';
  pattern: string;
}

export function functionSelector(globs: string[], projectFolders: string[]): FunctionDocumentFilter[] {
  return [
    ...globs.map((pattern): FunctionDocumentFilter => ({ scheme: 'file', language: 'python', pattern })),
    ...projectFolders.map((folder): FunctionDocumentFilter => ({ scheme: 'file', language: 'python', pattern: `${folder.split(path.sep).join('/')}/**/*.py` })),
  ];
}
