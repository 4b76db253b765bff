// The fourth part of the peer scenario: what parse-server's spec/CloudCode.spec.js found wrong in cloudfn
// (scripts/parse-suites/cloudcode.mjs), as REST answers both servers must give alike — an empty throw, the
// reserved field name length, function params, find-trigger queries, login triggers and a session token
// sent with /login, trigger context, Parse.Config triggers, jobs, relations a trigger adds (and found through
// redirectClassNameForKey), afterDelete
// failures and role validators. Its cloud code is test/parse-peer/cloud/cloudcodeSpec.js.

import { pointer, type Step } from './step';

const seen = (name: string, key: string): Step => ({ name, method: 'POST', path: 'functions/ccSeen', body: { key } });

export const cloudcodeScenario: Step[] = [
  { name: 'cc: a function throwing null', method: 'POST', path: 'functions/ccThrowsNull' },
  { name: 'cc: a beforeSave setting length', method: 'POST', path: 'classes/CcLength', body: { foo: 'bar' } },
  { name: 'cc: a new field named length', method: 'POST', path: 'classes/CcPlain', body: { length: 1 } },
  { name: 'cc: File and Pointer params', method: 'POST', path: 'functions/ccParamTypes', body: {
    file: { __type: 'File', name: 'a.txt', url: 'https://some.url/a.txt' }, pointer: pointer('CcThing', 'abc') } },
  { name: 'cc: CcSecret', method: 'POST', path: 'classes/CcSecret', body: { secret: 'x', open: 'y' }, capture: { ccSecret: 'objectId' } },
  { name: 'cc: find through an excluding beforeFind', method: 'GET', path: 'classes/CcSecret', body: { keys: 'open,secret' } },
  seen('cc: the find query beforeFind saw', 'beforeFind'),
  { name: 'cc: get through an excluding beforeFind', method: 'GET', path: 'classes/CcSecret/${ccSecret}' },
  seen('cc: the get query beforeFind saw', 'beforeFind'),
  { name: 'cc: CcPointing', method: 'POST', path: 'classes/CcPointing', body: { name: 'p' } },
  { name: 'cc: find with an object afterFind sets', method: 'GET', path: 'classes/CcPointing', body: {} },
  seen('cc: afterFind isGet', 'afterFindIsGet'),
  { name: 'cc: signup cc-ann', method: 'POST', path: 'users', body: { username: 'cc-ann', password: 'pw-ann' } },
  { name: 'cc: signup cc-bob', method: 'POST', path: 'users', body: { username: 'cc-bob', password: 'pw-bob', nickname: 'b' }, capture: { ccBob: 'objectId', ccBobToken: 'sessionToken' } },
  { name: "cc: login as cc-ann with cc-bob's session token", method: 'POST', path: 'login', session: 'ccBobToken', body: { username: 'cc-ann', password: 'pw-ann' } },
  seen('cc: beforeLogin request', 'beforeLogin'),
  seen('cc: afterLogin request', 'afterLogin'),
  // The body's keys (_ApplicationId, _context), as the JS SDK sends them, count only without the header.
  { name: 'cc: context replaced in beforeSave', method: 'POST', path: 'classes/CcContext', noAppId: true, body: { _ApplicationId: 'appId', _context: { from: 'client' } } },
  seen('cc: context in afterSave', 'context'),
  { name: 'cc: context body that is not an object', method: 'POST', path: 'classes/CcContext', noAppId: true, body: { _ApplicationId: 'appId', _context: 'true' } },
  { name: 'cc: context body that is not JSON', method: 'POST', path: 'classes/CcContext', noAppId: true, body: { _ApplicationId: 'appId', _context: 'key' } },
  { name: 'cc: context body beside an application id header', method: 'POST', path: 'classes/CcContext', body: { _context: 'key' } },
  seen('cc: context in afterSave without a context', 'context'),
  { name: 'cc: first config through its triggers', method: 'PUT', path: 'config', master: true, body: { params: { ccNumber: 12 } } },
  seen('cc: config beforeSave of the first', 'configBefore'),
  { name: 'cc: config update through its triggers', method: 'PUT', path: 'config', master: true, body: { params: { ccNumber: 13 } } },
  seen('cc: config beforeSave of the update', 'configBefore'),
  { name: 'cc: config refused by an empty throw', method: 'PUT', path: 'config', master: true, body: { params: { ccRefuse: true } } },
  { name: 'cc: config failed by afterSave', method: 'PUT', path: 'config', master: true, body: { params: { ccFailAfter: true } } },
  { name: 'cc: a (request, status) job returning nothing', method: 'POST', path: 'jobs/ccReturnsNothing', master: true, captureHeader: { ccJob: 'x-parse-job-status-id' } },
  { name: 'cc: that job succeeded', method: 'GET', path: 'classes/_JobStatus/${ccJob}', master: true, waitFor: 'succeeded' },
  seen('cc: the status parameter it got', 'jobStatusParameter'),
  { name: 'cc: a job awaiting request.message', method: 'POST', path: 'jobs/ccMessages', master: true, captureHeader: { ccMessages: 'x-parse-job-status-id' } },
  { name: 'cc: its message', method: 'GET', path: 'classes/_JobStatus/${ccMessages}', master: true, waitFor: 'succeeded' },
  { name: 'cc: CcOwner', method: 'POST', path: 'classes/CcOwner', body: { name: 'o' }, capture: { ccOwner: 'objectId' } },
  { name: 'cc: the relation its beforeSave added', method: 'GET', path: 'classes/CcItem', body: { where: { $relatedTo: { object: pointer('CcOwner', '${ccOwner}'), key: 'items' } } } },
  { name: 'cc: the same through redirectClassNameForKey', method: 'GET', path: 'classes/CcOwner', body: { redirectClassNameForKey: 'items', where: { $relatedTo: { object: pointer('CcOwner', '${ccOwner}'), key: 'items' } } } },
  { name: 'cc: CcFragile', method: 'POST', path: 'classes/CcFragile', body: { name: 'f' }, capture: { ccFragile: 'objectId' } },
  { name: 'cc: delete with a failing afterDelete', method: 'DELETE', path: 'classes/CcFragile/${ccFragile}' },
  { name: 'cc: the object is deleted all the same', method: 'GET', path: 'classes/CcFragile/${ccFragile}' },
  { name: 'cc: requireAnyUserRoles without the role', method: 'POST', path: 'functions/ccAnyRole', session: 'ccBobToken' },
  { name: 'cc: requireAllUserRoles (a function) without the roles', method: 'POST', path: 'functions/ccAllRoles', session: 'ccBobToken' },
  { name: 'cc: role ccAdmin with cc-bob', method: 'POST', path: 'roles', master: true, body: { name: 'ccAdmin', ACL: { '*': { read: true } }, users: { __op: 'AddRelation', objects: [pointer('_User', '${ccBob}')] } } },
  { name: 'cc: requireAnyUserRoles with the role', method: 'POST', path: 'functions/ccAnyRole', session: 'ccBobToken' },
  { name: 'cc: requireAllUserRoles with one of two', method: 'POST', path: 'functions/ccAllRoles', session: 'ccBobToken' },
  { name: 'cc: requireUserKeys without a user', method: 'POST', path: 'functions/ccUserKeys' },
  { name: 'cc: requireUserKeys with the key set', method: 'POST', path: 'functions/ccUserKeys', session: 'ccBobToken' },
];
