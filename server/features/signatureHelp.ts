// Signature help for db/request calls and the methods of values they return (`doc.get(`): the model's signature with the active parameter, chosen by the keyword
// being typed or else by the number of commas before the cursor.

import { MarkupKind, type SignatureHelp } from 'vscode-languageserver';
import { formatSignature } from '../analysis/apiIndex';
import { argumentAt, callAt } from '../analysis/cursorContext';
import { calledFunction } from '../analysis/apiTargets';
import type { DocumentAnalysis } from '../analysis/documentAnalysis';

/** The signature help at an offset, or undefined outside a known call. */
export function signatureHelpAt(analysis: DocumentAnalysis, offset: number): SignatureHelp | undefined {
  const call = callAt(analysis, offset);
  const called = call && calledFunction(analysis, call, 'firstBinding');
  if (!call || !called) return undefined;
  const { owner, fn } = called;
  const label = formatSignature(owner, fn);
  let cursor = label.indexOf('(') + 1;
  const parameters = fn.params.map((param) => {
    const text = `${param.name}: ${param.type}${param.default === undefined ? '' : ` = ${param.default}`}`;
    const start = label.indexOf(text, cursor);
    cursor = start + text.length;
    return { label: [start, start + text.length] as [number, number], documentation: param.doc };
  });
  const argument = argumentAt(call, offset);
  const keywordIndex = argument.keyword === undefined ? -1 : fn.params.findIndex((p) => p.name === argument.keyword);
  const firstKeyword = call.args.findIndex((a) => a.kind === 'keyword');
  const activeParameter = keywordIndex >= 0 ? keywordIndex
    : firstKeyword >= 0 && argument.index >= firstKeyword ? fn.params.length
      : argument.index;
  return {
    signatures: [{
      label,
      documentation: { kind: MarkupKind.Markdown, value: `${fn.doc}\n\nExample:\n\`\`\`python\n${fn.example}\n\`\`\`` },
      parameters,
    }],
    activeSignature: 0,
    activeParameter,
  };
}
