// The third part of the peer scenario: class-level permissions beyond public/user/role rules — pointer
// permissions (`pointerFields` of an operation, `readUserFields`/`writeUserFields`), `requiresAuthentication`,
// refused operations and their codes, and `protectedFields` (`*`, `authenticated`, `role:NAME`,
// `userField:FIELD`, and `_User`'s default protected email); then the file triggers. It runs after the surface
// scenario, whose users alice and bob (bob in the role Admins) it uses.

import { pointer, type Step } from './step';

const userField = { type: 'Pointer', targetClass: '_User' };

export const permissionsScenario: Step[] = [
  // pointerFields per operation, with protected fields.
  { name: 'create class OwnedDoc with pointer permissions', method: 'POST', path: 'schemas/OwnedDoc', master: true, body: {
    className: 'OwnedDoc',
    fields: { owner: userField, title: { type: 'String' }, secret: { type: 'String' }, note: { type: 'String' } },
    classLevelPermissions: {
      find: { pointerFields: ['owner'] }, get: { pointerFields: ['owner'] }, count: { '*': true }, create: { '*': true },
      update: { pointerFields: ['owner'] }, delete: { pointerFields: ['owner'] }, addField: { '*': true },
      protectedFields: { '*': ['secret', 'note'], 'userField:owner': ['note'], 'role:Admins': [] },
    },
  } },
  { name: 'OwnedDoc of alice', method: 'POST', path: 'classes/OwnedDoc', session: 'aliceToken', body: { owner: pointer('_User', '${alice}'), title: 'a', secret: 's-a', note: 'n-a' }, capture: { aliceDoc: 'objectId' } },
  { name: 'OwnedDoc of bob', method: 'POST', path: 'classes/OwnedDoc', master: true, body: { owner: pointer('_User', '${bob}'), title: 'b', secret: 's-b', note: 'n-b' }, capture: { bobDoc: 'objectId' } },
  { name: 'pointerFields find as the owner (protected fields by userField)', method: 'GET', path: 'classes/OwnedDoc', session: 'aliceToken', body: { order: 'title' } },
  { name: 'pointerFields find as a role member (role set intersected)', method: 'GET', path: 'classes/OwnedDoc', session: 'bobToken', body: { order: 'title' } },
  { name: 'pointerFields find with keys', method: 'GET', path: 'classes/OwnedDoc', session: 'aliceToken', body: { keys: 'title,secret' } },
  { name: 'pointerFields find without a user', method: 'GET', path: 'classes/OwnedDoc', body: {} },
  { name: 'pointerFields get as another user', method: 'GET', path: 'classes/OwnedDoc/${aliceDoc}', session: 'bobToken' },
  { name: 'pointerFields get without a user', method: 'GET', path: 'classes/OwnedDoc/${aliceDoc}' },
  { name: 'pointerFields get as the owner', method: 'GET', path: 'classes/OwnedDoc/${aliceDoc}', session: 'aliceToken' },
  { name: 'public count on a pointer-permission class', method: 'GET', path: 'classes/OwnedDoc', body: { count: 1, limit: 0 } },
  { name: 'pointerFields update as another user', method: 'PUT', path: 'classes/OwnedDoc/${aliceDoc}', session: 'bobToken', body: { title: 'x' } },
  { name: 'pointerFields update without a user', method: 'PUT', path: 'classes/OwnedDoc/${aliceDoc}', body: { title: 'x' } },
  { name: 'pointerFields update as the owner', method: 'PUT', path: 'classes/OwnedDoc/${aliceDoc}', session: 'aliceToken', body: { title: 'a2' } },
  { name: 'pointerFields delete as another user', method: 'DELETE', path: 'classes/OwnedDoc/${aliceDoc}', session: 'bobToken' },
  { name: 'pointerFields delete without a user', method: 'DELETE', path: 'classes/OwnedDoc/${aliceDoc}' },
  { name: 'OwnedDoc with the master key (nothing protected)', method: 'GET', path: 'classes/OwnedDoc', master: true, body: { order: 'title' } },
  { name: 'pointerFields delete as the owner', method: 'DELETE', path: 'classes/OwnedDoc/${bobDoc}', session: 'bobToken' },
  // readUserFields / writeUserFields, with an array of users.
  { name: 'create class Shared with readUserFields and writeUserFields', method: 'POST', path: 'schemas/Shared', master: true, body: {
    className: 'Shared',
    fields: { owner: userField, readers: { type: 'Array' }, text: { type: 'String' } },
    classLevelPermissions: {
      find: {}, get: {}, count: {}, create: { '*': true }, update: {}, delete: {}, addField: {},
      readUserFields: ['readers'], writeUserFields: ['owner'],
    },
  } },
  { name: 'Shared by alice for bob', method: 'POST', path: 'classes/Shared', session: 'aliceToken', body: { owner: pointer('_User', '${alice}'), readers: [pointer('_User', '${bob}')], text: 'hi bob' }, capture: { shared: 'objectId' } },
  { name: 'readUserFields find as a reader', method: 'GET', path: 'classes/Shared', session: 'bobToken', body: {} },
  { name: 'readUserFields find as the owner, not a reader', method: 'GET', path: 'classes/Shared', session: 'aliceToken', body: {} },
  { name: 'readUserFields get as the owner, not a reader', method: 'GET', path: 'classes/Shared/${shared}', session: 'aliceToken' },
  { name: 'readUserFields count as a reader', method: 'GET', path: 'classes/Shared', session: 'bobToken', body: { count: 1, limit: 0 } },
  { name: 'readUserFields count without a user', method: 'GET', path: 'classes/Shared', body: { count: 1, limit: 0 } },
  { name: 'readUserFields find with count without a user', method: 'GET', path: 'classes/Shared', body: { count: 1 } },
  { name: 'writeUserFields update as a reader', method: 'PUT', path: 'classes/Shared/${shared}', session: 'bobToken', body: { text: 'x' } },
  { name: 'writeUserFields update as the owner', method: 'PUT', path: 'classes/Shared/${shared}', session: 'aliceToken', body: { text: 'hello bob' } },
  { name: 'writeUserFields delete as a reader', method: 'DELETE', path: 'classes/Shared/${shared}', session: 'bobToken' },
  // Refused operations: 119, and 101 for requiresAuthentication without a user.
  { name: 'create class Locked', method: 'POST', path: 'schemas/Locked', master: true, body: {
    className: 'Locked', fields: { text: { type: 'String' } },
    classLevelPermissions: { find: { requiresAuthentication: true }, get: { 'role:Admins': true }, count: {}, create: {}, update: {}, delete: {}, addField: {} },
  } },
  { name: 'Locked object', method: 'POST', path: 'classes/Locked', master: true, body: { text: 'locked' }, capture: { locked: 'objectId' } },
  { name: 'requiresAuthentication find without a user', method: 'GET', path: 'classes/Locked', body: {} },
  { name: 'requiresAuthentication find as a user', method: 'GET', path: 'classes/Locked', session: 'aliceToken', body: {} },
  { name: 'get refused to a non-member', method: 'GET', path: 'classes/Locked/${locked}', session: 'aliceToken' },
  { name: 'get granted to a role', method: 'GET', path: 'classes/Locked/${locked}', session: 'bobToken' },
  { name: 'count refused', method: 'GET', path: 'classes/Locked', session: 'aliceToken', body: { count: 1, limit: 0 } },
  { name: 'create refused', method: 'POST', path: 'classes/Locked', session: 'aliceToken', body: { text: 'x' } },
  { name: 'update refused', method: 'PUT', path: 'classes/Locked/${locked}', session: 'bobToken', body: { text: 'x' } },
  { name: 'delete refused', method: 'DELETE', path: 'classes/Locked/${locked}' },
  // addField: a write adding a field to a class with a schema needs it.
  { name: 'create class Fixed without addField', method: 'POST', path: 'schemas/Fixed', master: true, body: {
    className: 'Fixed', fields: { a: { type: 'String' }, owner: userField },
    classLevelPermissions: { find: { '*': true }, get: { '*': true }, count: { '*': true }, create: { '*': true }, update: { '*': true }, delete: { '*': true }, addField: { pointerFields: ['owner'] } },
  } },
  { name: 'create with known fields', method: 'POST', path: 'classes/Fixed', session: 'aliceToken', body: { a: 'x', owner: pointer('_User', '${alice}') }, capture: { fixed: 'objectId' } },
  { name: 'create adding a field (addField by pointer only on update)', method: 'POST', path: 'classes/Fixed', session: 'aliceToken', body: { a: 'x', b: 1 } },
  { name: 'update adding a field as another user', method: 'PUT', path: 'classes/Fixed/${fixed}', session: 'bobToken', body: { b: 1 } },
  { name: 'update adding a field as the pointed user', method: 'PUT', path: 'classes/Fixed/${fixed}', session: 'aliceToken', body: { b: 1 } },
  { name: 'update of known fields as another user', method: 'PUT', path: 'classes/Fixed/${fixed}', session: 'bobToken', body: { a: 'y', b: 2 } },
  { name: 'create adding a field with the master key', method: 'POST', path: 'classes/Fixed', master: true, body: { a: 'x', c: true } },
  // _User's default protected field: email.
  { name: 'signup carol, readable by all', method: 'POST', path: 'users', body: { username: 'carol', password: 'pw-carol', email: 'carol@example.com', city: 'Oslo', ACL: { '*': { read: true } } }, capture: { carol: 'objectId', carolToken: 'sessionToken' } },
  { name: 'another user reads carol (email protected)', method: 'GET', path: 'users/${carol}', session: 'bobToken' },
  { name: 'carol reads herself (owner exempt)', method: 'GET', path: 'users/${carol}', session: 'carolToken' },
  { name: 'find carol anonymously', method: 'GET', path: 'users', body: { where: { username: 'carol' } } },
  // File triggers (Parse.Cloud.beforeSave/afterSave/beforeDelete/afterDelete(Parse.File) in cloud/main.js).
  { name: 'beforeSave(Parse.File) throws a string', method: 'POST', path: 'files/refused.txt', raw: { contentType: 'text/plain', text: 'no' }, master: true },
  { name: 'beforeSave(Parse.File) throws a Parse.Error', method: 'POST', path: 'files/refusedParse.txt', raw: { contentType: 'text/plain', text: 'no' }, master: true },
  { name: 'beforeSave(Parse.File) request shape, as a user', method: 'POST', path: 'files/shape.txt', raw: { contentType: 'text/plain', text: 'twelve bytes' }, session: 'bobToken' },
  { name: 'beforeSave(Parse.File) returns another file', method: 'POST', path: 'files/replace.txt', raw: { contentType: 'text/plain', text: 'original' }, master: true, capture: { replaced: 'name' } },
  { name: 'download the replacing file', method: 'GET', path: 'files/appId/${replaced}', noAppId: true },
  { name: 'upload a logged file', method: 'POST', path: 'files/logged.txt', raw: { contentType: 'text/plain', text: 'log me' }, master: true, capture: { logged: 'name' } },
  { name: 'upload a kept file', method: 'POST', path: 'files/kept.txt', raw: { contentType: 'text/plain', text: 'keep me' }, master: true, capture: { kept: 'name' } },
  { name: 'beforeDelete(Parse.File) refuses', method: 'DELETE', path: 'files/${kept}', master: true },
  { name: 'the refused delete kept the file', method: 'GET', path: 'files/appId/${kept}', noAppId: true },
  { name: 'delete a logged file (afterDelete)', method: 'DELETE', path: 'files/${logged}', master: true },
  { name: 'what the file afterSave and afterDelete saw', method: 'GET', path: 'classes/FileLog', master: true, body: { order: 'createdAt', keys: 'trigger,suffix,fileSize,hasUrl,master' } },
];
