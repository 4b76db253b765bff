// Helpers about the collections a file's db calls name, shared by the unknown-collection diagnostic and by
// completion: which parameter of a db call names an existing collection, and which collections the file itself
// creates (so that they are known to the rest of the file whatever the local database holds).

import type { ApiFunction } from '../../runtime/cocobase/apiModel';
import { argumentLiteral, calledFunction } from './apiTargets';
import type { DocumentAnalysis } from './documentAnalysis';

/** `db.*` functions whose first parameter names an existing collection (create_collection names a new one). */
export function collectionParameter(called: { owner: string; fn: ApiFunction } | undefined): string | undefined {
  if (!called || called.owner !== 'db' || called.fn.name === 'create_collection') return undefined;
  const first = called.fn.params[0]?.name;
  return first === 'collection' || first === 'name' ? first : undefined;
}

/** The db calls that create a collection, with the position and name of the argument that names it. */
const creatingCalls = new Map<string, [number, string]>([
  ['create_collection', [0, 'name']], ['create_document', [0, 'collection']], ['update_collection', [2, 'new_name']],
]);

/**
 * The collections the file creates with a literal name: `db.create_collection('orders')`,
 * `db.create_document('notes', ...)` (which creates its collection) and `db.update_collection(..., new_name='x')`.
 */
export function collectionsCreatedIn(analysis: DocumentAnalysis): Set<string> {
  const created = new Set<string>();
  for (const call of analysis.calls) {
    const called = calledFunction(analysis, call);
    const argument = called?.owner === 'db' ? creatingCalls.get(called.fn.name) : undefined;
    const literal = argument && argumentLiteral(analysis, call, ...argument);
    if (literal) created.add(literal.value);
  }
  return created;
}
