// Pyodide's Emscripten module (pyodide.asm.mjs, 1.2 MB of JavaScript) loaded as a classic script with a V8
// code cache, instead of as an ES module that V8 compiles anew in every process (~90 ms of each cold start,
// measured with --cpu-prof). The build writes the script beside the original (dist/pyodide/pyodide.asm.
// script.js) and its code cache; a missing or rejected cache only makes the load slower, never wrong.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import url from 'node:url';
import vm from 'node:vm';

export type CreatePyodideModule = (settings: object) => Promise<unknown>;

export const asmScriptName = 'pyodide.asm.script.js';
export const asmCacheName = 'pyodide.asm.script.cache';
const asmCacheKeyName = 'pyodide.asm.script.cache.key';

/**
 * The module's source as a function expression `(function (nodeRequire, asmUrl) { … return factory; })`:
 * `import.meta.url` becomes `asmUrl`, dynamic `import(x)` of Node's modules becomes `nodeRequire(x)` (a
 * script has no module loader), and the default export is returned. Throws when the source does not have
 * the expected shape (another Pyodide version), so the build fails loudly rather than shipping a broken load.
 */
export function asmScriptSource(moduleSource: string): string {
  const exportStatement = /\bexport default _createPyodideModule\s*;?\s*$/;
  if (!exportStatement.test(moduleSource)) throw new Error('pyodide.asm.mjs: no `export default _createPyodideModule` at its end');
  const body = moduleSource
    .replace(exportStatement, '')
    .replace(/\bimport\.meta\.url\b/g, '__cloudfnAsmUrl')
    .replace(/\bimport\(/g, '__cloudfnImport(');
  return `(function (__cloudfnRequire, __cloudfnAsmUrl) {
const __cloudfnImport = async (specifier) => __cloudfnRequire(specifier);
${body}
return _createPyodideModule;
})`;
}

let compiled: { script: vm.Script; file: string } | undefined;

/** The module factory from the script in `dir`, or undefined when the build did not write one. */
export function loadCreatePyodideModule(dir: string): CreatePyodideModule | undefined {
  const file = path.join(dir, asmScriptName);
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(path.join(dir, asmCacheName));
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(source, { filename: file, cachedData });
  compiled = { script, file };
  const wrapper = script.runInThisContext() as (nodeRequire: NodeJS.Require, asmUrl: string) => CreatePyodideModule;
  return wrapper(require, url.pathToFileURL(path.join(dir, 'pyodide.asm.mjs')).href);
}

/** Whether V8 refused the code cache of the script loaded last (another V8 version); undefined without one. */
export function asmCodeCacheRejected(): boolean | undefined {
  return compiled?.script.cachedDataRejected;
}

/** Writes the script for the module in `dir` (Pyodide's folder in dist/) when it is missing or outdated. */
export function writeAsmScript(dir: string): void {
  const script = asmScriptSource(fs.readFileSync(path.join(dir, 'pyodide.asm.mjs'), 'utf8'));
  const file = path.join(dir, asmScriptName);
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== script) fs.writeFileSync(file, script);
}

/** A code cache is only valid for this script and this V8: its key says which. */
function cacheKey(dir: string): string {
  const script = fs.readFileSync(path.join(dir, asmScriptName));
  return crypto.createHash('sha256').update(script).update(`${process.version} ${process.arch}`).digest('hex');
}

export function isAsmCodeCacheFresh(dir: string): boolean {
  try {
    return fs.existsSync(path.join(dir, asmCacheName)) && fs.readFileSync(path.join(dir, asmCacheKeyName), 'utf8').trim() === cacheKey(dir);
  } catch {
    return false;
  }
}

/** Writes the code cache of the script loaded last (call it after a boot, so that it holds compiled code). */
export function writeAsmCodeCache(dir: string): number {
  if (!compiled) throw new Error('no Pyodide script was loaded in this process');
  const data = compiled.script.createCachedData();
  fs.writeFileSync(path.join(dir, asmCacheName), data);
  fs.writeFileSync(path.join(dir, asmCacheKeyName), cacheKey(dir) + '\n');
  return data.length;
}
