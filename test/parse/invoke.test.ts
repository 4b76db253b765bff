// Which handlers use their second (legacy response/status) parameter, read from their source: the rule that
// decides whether a trigger or job is called as the seed's legacy style or, as Parse Server 9 calls it, with
// the request alone. The handlers are written as Cloud Code text (compiled here, not by tsx).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { usesSecondParameter } from '../../runtime/parse/invoke';

const cases: [string, boolean][] = [
  ['(request, response) => { response.success(); }', true],
  ['function (request, status) { status.message("started"); }', true],
  ['async (req, res) => { await helper(res); }', true],
  ['(request, response) => { if (!request.object) return response.error("no"); }', true],
  ['(req, { success }) => success()', true],
  // A rest or defaulted parameter does not count in a function's length: Parse 9's one argument, too.
  ['(req, ...rest) => rest[0].success()', false],
  ['(req, res) => { expect(typeof res).toBe("undefined"); }', false],
  ['(request, response) => { request.object.set("seen", true); }', false],
  ['(req, res) => req.res', false],
  ['(req, res) => { /* res.success() */ return "res.success()"; }', false],
  ['(req, res) => { return `res`; }', false],
  ['(request) => request.params', false],
  ['request => request.params', false],
];

describe('usesSecondParameter', () => {
  for (const [source, expected] of cases) {
    it(`${expected ? 'uses' : 'does not use'} the second parameter: ${source}`, () => {
      const handler = new Function('helper', 'expect', `return ${source};`)(() => undefined, () => ({ toBe: () => undefined }));
      assert.equal(usesSecondParameter(handler), expected);
    });
  }
});
