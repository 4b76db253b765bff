// Hover: the signature, doc and example of db/request members, of the methods of values the API returns and of
// module names, from the API model; the doc of builtins (and why a forbidden one is refused); the kind of a
// symbol defined in the file, with the shape of the API value it holds when it was assigned one.

import { valueType } from '../../runtime/cocobase/apiModel';
import { builtinByName, forbiddenBuiltinReasons, targetOwner, type ApiTarget } from '../analysis/apiIndex';
import { chainTargets, rootTarget } from '../analysis/apiTargets';
import { resolveName, type DocumentAnalysis } from '../analysis/documentAnalysis';
import { memberDocumentation } from './tooltipUtils';

export interface HoverResult {
  markdown: string;
  from: number;
  to: number;
}

function targetDocumentation(target: ApiTarget): string {
  switch (target.kind) {
    case 'object': return ['```python', `${target.object.name}`, '```', '', target.object.doc].join('\n');
    case 'module': return ['```python', `module ${target.module.name}`, '```', '', target.module.doc].join('\n');
    case 'member': return memberDocumentation(target.owner, target.member);
    case 'members': return ['```python', targetOwner(target), '```'].join('\n');
    case 'value': return ['```python', valueType(target.value), '```'].join('\n');
  }
}

/** The hover at an offset, or undefined when there is nothing to say. */
export function hoverAt(analysis: DocumentAnalysis, offset: number): HoverResult | undefined {
  for (const chain of analysis.chains) {
    if (offset < chain.from || offset > chain.to) continue;
    const spans = [chain.root, ...chain.properties];
    const index = spans.findIndex((span) => span.from <= offset && offset <= span.to && span.to > span.from);
    if (index < 0) continue;
    const target = chainTargets(analysis, chain, 'firstBinding')[index];
    if (target) return { markdown: targetDocumentation(target), from: spans[index]!.from, to: spans[index]!.to };
  }
  const ref = analysis.references.find((r) => r.from <= offset && offset <= r.to);
  if (!ref) return undefined;
  const symbol = resolveName(ref.scope, ref.name);
  const span = { from: ref.from, to: ref.to };
  if (symbol) {
    const line = analysis.lines.positionAt(symbol.from).line + 1;
    const inferred = rootTarget(analysis, ref, 'firstBinding');
    const type = inferred?.kind === 'value' ? `: ${valueType(inferred.value)}${inferred.orNone ? ' | None' : ''}` : '';
    return { markdown: ['```python', `(${symbol.kind}) ${symbol.name}${type}`, '```', '', `Defined on line ${line}.`].join('\n'), ...span };
  }
  const reason = forbiddenBuiltinReasons.get(ref.name);
  if (reason) return { markdown: `\`${ref.name}\` is not available in cloud functions: ${reason}.`, ...span };
  const builtin = builtinByName.get(ref.name);
  if (builtin) return { markdown: ['```python', `(builtin ${builtin.kind}) ${builtin.name}`, '```', '', builtin.doc].join('\n'), ...span };
  return undefined;
}
