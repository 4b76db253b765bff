// Hover: the signature, doc and example of db/request members, of the methods of values the API returns and of
// module names, from the API model; the doc of builtins (and why a forbidden one is refused); the kind of a
// symbol defined in the file, with the shape of the API value it holds when it was assigned one; the field and
// operator of a query call's filter keyword (`status_gte=`).

import { queryOperatorDocs, valueType } from '../../runtime/cocobase/apiModel';
import { parseKey } from '../../runtime/cocobase/query/filters';
import { builtinByName, forbiddenBuiltinReasons, targetOwner, type ApiTarget } from '../analysis/apiIndex';
import { chainTargets, rootTarget } from '../analysis/apiTargets';
import { resolveName, type DocumentAnalysis } from '../analysis/documentAnalysis';
import { fieldOfOperatorKey, queryCallOf } from '../analysis/queryLanguage';
import { memberDocumentation } from './tooltipUtils';

export interface HoverResult {
  markdown: string;
  from: number;
  to: number;
}

function targetDocumentation(target: ApiTarget): string {
  switch (target.kind) {
    case 'object': return ['```python', `${target.object.name}`, '```', '', target.object.doc].join('\n');
    case 'module': return ['```python', `${target.module.kind === 'class' ? 'class' : 'module'} ${target.module.name}`, '```', '', target.module.doc].join('\n');
    case 'member': return memberDocumentation(target.owner, target.member);
    case 'members': return ['```python', targetOwner(target), '```'].join('\n');
    case 'value': return ['```python', valueType(target.value), '```'].join('\n');
  }
}

/** The hover of a query call's filter keyword under the cursor (`views_gte` in `db.query('posts', views_gte=3)`). */
function filterKeywordHover(analysis: DocumentAnalysis, offset: number): HoverResult | undefined {
  for (const call of analysis.calls) {
    if (offset <= call.argsFrom || offset >= call.argsTo) continue;
    const arg = call.args.find((a) => a.kind === 'keyword' && a.nameFrom !== undefined && a.nameFrom <= offset && offset <= a.nameTo!);
    const query = arg && queryCallOf(analysis, call, 'firstBinding');
    if (!arg || !query?.keywordFilters || query.fn.params.some((p) => p.name === arg.name)) continue;
    const { path, op } = parseKey(arg.name!);
    const field = path.join('.');
    const meaning = fieldOfOperatorKey(arg.name!) === undefined
      ? `Equality filter on the field \`${field}\` (no operator suffix).`
      : `Filter on the field \`${field}\` with the operator \`${op}\`: ${queryOperatorDocs[op]}`;
    return { markdown: ['```python', `(filter) ${arg.name}`, '```', '', meaning].join('\n'), from: arg.nameFrom!, to: arg.nameTo! };
  }
  return undefined;
}

/** The hover at an offset, or undefined when there is nothing to say. */
export function hoverAt(analysis: DocumentAnalysis, offset: number): HoverResult | undefined {
  const filter = filterKeywordHover(analysis, offset);
  if (filter) return filter;
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
