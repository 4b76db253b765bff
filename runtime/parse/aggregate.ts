// `GET aggregate/CLASS` (as Parse Server's AggregateRouter, master key only): `distinct` of a field (with an
// optional `where`), or a `pipeline` of the common stages run in memory — $match (a Parse `where`), $group
// (by `$field`, an object of them or null, with $sum, $avg, $min, $max, $first, $last, $push, $addToSet),
// $sort, $skip, $limit, $project and $count. A group's `_id` comes back as `objectId`, as Parse Server gives it.
// Other stages fail loudly (102).

import type { AppContext } from './context';
import { HttpFailure, ParseCode, ParseFailure } from './errors';
import { matchesWhere, sortRecords, valuesEqual } from './query';
import type { Json, ParseRequest, ParseResponse } from './rest';
import { isObject, publicView } from './values';
import { parseUserJson } from '../jsonLimits';

/**
 * A JSON parameter that came as text in a query string, decoded (text that is not JSON stays text, and fails
 * as the wrong type where it is used); JSON nested deeper than any request may be is refused (107).
 */
function decoded(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const read = parseUserJson(value);
  if ('invalid' in read) return value;
  if (read.tooDeep) throw new ParseFailure(ParseCode.invalidJson, `invalid JSON: ${read.tooDeep}`);
  return read.value;
}

/** The value of an expression: `$field` (dotted paths too) reads the record, anything else is itself. */
function evaluate(record: Json, expression: unknown): unknown {
  if (typeof expression === 'string' && expression.startsWith('$')) {
    let value: unknown = record;
    for (const part of expression.slice(1).split('.')) value = isObject(value) ? value[part] : undefined;
    return value;
  }
  if (isObject(expression)) return Object.fromEntries(Object.entries(expression).map(([key, item]) => [key, evaluate(record, item)]));
  return expression;
}

/** GET aggregate/CLASS. */
export function aggregate(ctx: AppContext, className: string, request: ParseRequest): ParseResponse {
  if (!request.master) throw new HttpFailure(403, 'Permission denied');
  let records: Json[] = ctx.classes.all(className).map(publicView);
  const distinct = request.body.distinct;
  if (typeof distinct === 'string') {
    const where = decoded(request.body.where);
    if (isObject(where)) records = records.filter((record) => matchesWhere(record, where));
    const values: unknown[] = [];
    for (const record of records) {
      const value = evaluate(record, `$${distinct}`);
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== undefined && item !== null && !values.some((known) => valuesEqual(known, item))) values.push(item);
      }
    }
    values.sort((a, b) => String(a).localeCompare(String(b)));
    return { status: 200, body: { results: values } };
  }
  let pipeline = decoded(request.body.pipeline);
  if (isObject(pipeline)) pipeline = [pipeline];
  if (!Array.isArray(pipeline)) throw new ParseFailure(ParseCode.invalidQuery, 'Invalid parameter for query: pipeline must be an array');
  for (const stage of pipeline) records = runStage(records, stage);
  return { status: 200, body: { results: records } };
}

function runStage(records: Json[], stage: unknown): Json[] {
  if (!isObject(stage) || Object.keys(stage).length !== 1) throw new ParseFailure(ParseCode.invalidQuery, 'Invalid pipeline stage');
  const [name, spec] = Object.entries(stage)[0]!;
  switch (name) {
    case '$match': return records.filter((record) => matchesWhere(record, isObject(spec) ? spec : {}));
    case '$group': return group(records, isObject(spec) ? spec : {});
    case '$sort': {
      const order = Object.entries(isObject(spec) ? spec : {}).map(([key, direction]) => (Number(direction) < 0 ? `-${key === '_id' ? 'objectId' : key}` : key === '_id' ? 'objectId' : key)).join(',');
      const sorted = [...records];
      sortRecords(sorted, order);
      return sorted;
    }
    case '$skip': return records.slice(Number(spec));
    case '$limit': return records.slice(0, Number(spec));
    case '$count': return [{ [String(spec)]: records.length }];
    case '$project': {
      const fields = Object.entries(isObject(spec) ? spec : {});
      const including = fields.some(([, value]) => value === 1 || value === true || typeof value === 'string');
      return records.map((record) => {
        if (!including) return Object.fromEntries(Object.entries(record).filter(([key]) => !fields.some(([field]) => field === key)));
        const projected: Json = { objectId: record.objectId };
        for (const [key, value] of fields) {
          if (value === 0 || value === false) delete projected[key];
          else projected[key] = typeof value === 'string' ? evaluate(record, value) : record[key];
        }
        return projected;
      });
    }
    default: throw new ParseFailure(ParseCode.invalidQuery, `Invalid parameter for query: ${name} is not supported by cloudfn's local aggregate`);
  }
}

/** A $group stage: records by the value of `_id`, with the accumulators of the other keys. */
function group(records: Json[], spec: Json): Json[] {
  const groups: { id: unknown; members: Json[] }[] = [];
  for (const record of records) {
    const id = evaluate(record, spec._id ?? null);
    let found = groups.find((entry) => valuesEqual(entry.id, id) || (entry.id === null && id === undefined));
    if (!found) groups.push(found = { id: id ?? null, members: [] });
    found.members.push(record);
  }
  return groups.map(({ id, members }) => {
    const result: Json = { objectId: id };
    for (const [key, accumulator] of Object.entries(spec)) {
      if (key === '_id') continue;
      if (!isObject(accumulator) || Object.keys(accumulator).length !== 1) throw new ParseFailure(ParseCode.invalidQuery, `Invalid $group accumulator for ${key}`);
      const [op, expression] = Object.entries(accumulator)[0]!;
      const values = members.map((member) => evaluate(member, expression));
      const numbers = values.filter((value): value is number => typeof value === 'number');
      switch (op) {
        case '$sum': result[key] = numbers.reduce((sum, value) => sum + value, 0); break;
        case '$avg': result[key] = numbers.length ? numbers.reduce((sum, value) => sum + value, 0) / numbers.length : null; break;
        case '$min': result[key] = numbers.length ? Math.min(...numbers) : null; break;
        case '$max': result[key] = numbers.length ? Math.max(...numbers) : null; break;
        case '$first': result[key] = values[0]; break;
        case '$last': result[key] = values[values.length - 1]; break;
        case '$push': result[key] = values; break;
        case '$addToSet': result[key] = values.filter((value, index) => values.findIndex((other) => valuesEqual(other, value)) === index); break;
        default: throw new ParseFailure(ParseCode.invalidQuery, `Invalid $group accumulator ${op}`);
      }
    }
    return result;
  });
}
