// The fourth part of the peer scenario: issue 13's last gaps — protected fields of included objects (and of
// the objects `keys=a.b` includes), the file find triggers of a download, fields saved as null, and what
// login, users/me and verifyPassword answer when `_User`'s CLPs refuse `get`. It runs after the permissions
// scenario, whose users (alice, bob in Admins, carol readable by all with an e-mail) and OwnedDoc it uses;
// the `_User` CLP steps come last, as they change what every later user request would answer.

import { pointer, type Step } from './step';

const download = ['content-type', 'content-disposition', 'x-content-type-options', 'x-checked'];

export const gapsScenario: Step[] = [
  // Protected fields of included objects: _User's email, OwnedDoc's protectedFields.
  { name: 'Story about carol', method: 'POST', path: 'classes/Story', session: 'bobToken', body: { title: 's1', author: pointer('_User', '${carol}') }, capture: { story1: 'objectId' } },
  { name: 'Story about alice', method: 'POST', path: 'classes/Story', session: 'bobToken', body: { title: 's2', author: pointer('_User', '${alice}') } },
  { name: 'Story about nobody', method: 'POST', path: 'classes/Story', session: 'bobToken', body: { title: 's3' } },
  { name: 'include author as another user (email protected)', method: 'GET', path: 'classes/Story', session: 'bobToken', body: { include: 'author', order: 'title' } },
  { name: 'include author as carol (her own email)', method: 'GET', path: 'classes/Story', session: 'carolToken', body: { include: 'author', order: 'title' } },
  { name: 'include author anonymously', method: 'GET', path: 'classes/Story', body: { include: 'author', order: 'title' } },
  { name: 'include author with the master key', method: 'GET', path: 'classes/Story', master: true, body: { include: 'author', order: 'title' } },
  { name: 'include * as another user', method: 'GET', path: 'classes/Story', session: 'bobToken', body: { include: '*', order: 'title' } },
  { name: 'keys author.email as another user', method: 'GET', path: 'classes/Story', session: 'bobToken', body: { keys: 'title,author.email', order: 'title' } },
  { name: 'keys author.city and author.email anonymously', method: 'GET', path: 'classes/Story', body: { keys: 'author.city,author.email', order: 'title' } },
  { name: 'get with include as another user', method: 'GET', path: 'classes/Story/${story1}', session: 'bobToken', body: { include: 'author' } },
  { name: 'Link to alice\'s OwnedDoc', method: 'POST', path: 'classes/Link', master: true, body: { name: 'l', doc: pointer('OwnedDoc', '${aliceDoc}') } },
  { name: 'include a pointer-permission object as its owner', method: 'GET', path: 'classes/Link', session: 'aliceToken', body: { include: 'doc' } },
  { name: 'include a pointer-permission object as another user', method: 'GET', path: 'classes/Link', session: 'bobToken', body: { include: 'doc' } },
  { name: 'include a pointer-permission object anonymously', method: 'GET', path: 'classes/Link', body: { include: 'doc' } },
  { name: 'private object of alice', method: 'POST', path: 'classes/Private', session: 'aliceToken', body: { text: 'hers', ACL: { '${alice}': { read: true, write: true } } }, capture: { hers: 'objectId' } },
  { name: 'Link to a private object', method: 'POST', path: 'classes/Link', master: true, body: { name: 'p', doc: pointer('Private', '${hers}') } },
  { name: 'include an object the ACL hides', method: 'GET', path: 'classes/Link', session: 'bobToken', body: { where: { name: 'p' }, include: 'doc' } },
  { name: 'include an object the ACL shows', method: 'GET', path: 'classes/Link', session: 'aliceToken', body: { where: { name: 'p' }, include: 'doc' } },
  { name: 'the anonymous user', method: 'GET', path: 'users/me', session: 'anonToken', capture: { anon: 'objectId' } },
  { name: 'Story about the anonymous user', method: 'POST', path: 'classes/Story', master: true, body: { title: 's4', author: pointer('_User', '${anon}') } },
  { name: 'include a user with authData as itself', method: 'GET', path: 'classes/Story', session: 'anonToken', body: { where: { title: 's4' }, include: 'author' } },
  { name: 'include a user with authData with the master key', method: 'GET', path: 'classes/Story', master: true, body: { where: { title: 's4' }, include: 'author' } },
  { name: 'Shelf note on a story', method: 'POST', path: 'classes/StoryNote', master: true, body: { story: pointer('Story', '${story1}'), holder: pointer('Holder', '${holder}') } },
  { name: 'nested include story.author as another user', method: 'GET', path: 'classes/StoryNote', session: 'bobToken', body: { include: 'story.author' } },
  { name: 'excludeKeys of an included user', method: 'GET', path: 'classes/Story', session: 'bobToken', body: { where: { title: 's1' }, excludeKeys: 'author.city' } },
  { name: 'keys of an included user', method: 'GET', path: 'classes/Story', session: 'bobToken', body: { where: { title: 's1' }, keys: 'title,author.city,author.username' } },
  { name: 'excludeKeys story.title', method: 'GET', path: 'classes/StoryNote', session: 'bobToken', body: { excludeKeys: 'story.title,holder' } },
  { name: 'include an object holding a file', method: 'GET', path: 'classes/StoryNote', body: { include: 'holder', keys: 'holder' } },
  { name: 'include an object holding a file, with the master key', method: 'GET', path: 'classes/StoryNote', master: true, body: { include: 'holder', keys: 'holder' } },
  // Included objects go through their class's find triggers (Secret's beforeFind keeps the lowest rank only).
  { name: 'Secret rank 5', method: 'POST', path: 'classes/Secret', body: { rank: 5 }, capture: { secret5: 'objectId' } },
  { name: 'Secret rank 4', method: 'POST', path: 'classes/Secret', body: { rank: 4 }, capture: { secret4: 'objectId' } },
  { name: 'SecretRef to both', method: 'POST', path: 'classes/SecretRef', body: { one: pointer('Secret', '${secret5}'), many: [pointer('Secret', '${secret5}'), pointer('Secret', '${secret4}')] } },
  { name: 'include one object: its afterFind runs', method: 'GET', path: 'classes/SecretRef', body: { include: 'one' } },
  { name: 'include an array: its beforeFind limits what is found', method: 'GET', path: 'classes/SecretRef', body: { include: 'many' } },
  // File find triggers: beforeFind/afterFind(Parse.File) around a download.
  { name: 'upload a file whose downloads are logged', method: 'POST', path: 'files/fshape.txt', raw: { contentType: 'text/plain', text: 'shape of a find' }, master: true, capture: { fshape: 'name' } },
  { name: 'download a logged file anonymously', method: 'GET', path: 'files/appId/${fshape}', noAppId: true, headers: download },
  { name: 'download a logged file as a user', method: 'GET', path: 'files/appId/${fshape}', session: 'bobToken', headers: download },
  { name: 'download a logged file with the master key', method: 'GET', path: 'files/appId/${fshape}', master: true },
  { name: 'what the file find triggers saw', method: 'GET', path: 'classes/FindLog', master: true, body: { order: 'createdAt', excludeKeys: 'ACL' } },
  { name: 'upload a hidden file', method: 'POST', path: 'files/hidden.txt', raw: { contentType: 'text/plain', text: 'hidden' }, master: true, capture: { hidden: 'name' } },
  { name: 'beforeFind(Parse.File) throws a Parse.Error', method: 'GET', path: 'files/appId/${hidden}', noAppId: true },
  { name: 'upload a secret file', method: 'POST', path: 'files/secret.txt', raw: { contentType: 'text/plain', text: 'secret' }, master: true, capture: { secret: 'name' } },
  { name: 'beforeFind(Parse.File) throws a string', method: 'GET', path: 'files/appId/${secret}', noAppId: true },
  { name: 'download a file that does not exist', method: 'GET', path: 'files/appId/nothere.txt', noAppId: true },
  { name: 'upload an alias target', method: 'POST', path: 'files/target.txt', raw: { contentType: 'text/plain', text: 'the target' }, master: true, capture: { target: 'name' } },
  { name: 'object holding the alias target', method: 'POST', path: 'classes/AliasTarget', master: true, body: { file: { __type: 'File', name: '${target}' } } },
  { name: 'beforeFind(Parse.File) serves another file', method: 'GET', path: 'files/appId/alias.txt', noAppId: true, headers: download },
  { name: 'upload a file afterFind replaces', method: 'POST', path: 'files/upper.txt', raw: { contentType: 'text/plain', text: 'make me loud' }, master: true, capture: { upper: 'name' } },
  { name: 'afterFind(Parse.File) returns another file', method: 'GET', path: 'files/appId/${upper}', noAppId: true, headers: download },
  { name: 'upload a file afterFind attaches', method: 'POST', path: 'files/attach.txt', raw: { contentType: 'text/plain', text: 'attach me' }, master: true, capture: { attach: 'name' } },
  { name: 'afterFind(Parse.File) forces a download with a header', method: 'GET', path: 'files/appId/${attach}', noAppId: true, headers: download },
  { name: 'upload a file afterFind fails on', method: 'POST', path: 'files/afail.txt', raw: { contentType: 'text/plain', text: 'fail' }, master: true, capture: { afail: 'name' } },
  { name: 'afterFind(Parse.File) throws an Error', method: 'GET', path: 'files/appId/${afail}', noAppId: true },
  // Fields saved as null.
  { name: 'create with null fields', method: 'POST', path: 'classes/Nully', body: { a: null, b: 1, c: 'x', obj: { x: null, y: 1 }, list: [null, 1] }, capture: { nully: 'objectId' } },
  { name: 'get an object with null fields', method: 'GET', path: 'classes/Nully/${nully}' },
  { name: 'set a field to null', method: 'PUT', path: 'classes/Nully/${nully}', body: { b: null } },
  { name: 'get after setting null', method: 'GET', path: 'classes/Nully/${nully}' },
  { name: 'find with null fields', method: 'GET', path: 'classes/Nully', body: {} },
  { name: 'find a null field by $exists false', method: 'GET', path: 'classes/Nully', body: { where: { a: { $exists: false } }, keys: 'c' } },
  { name: 'find a null field by $exists true', method: 'GET', path: 'classes/Nully', body: { where: { a: { $exists: true } }, keys: 'c' } },
  { name: 'find a null field by equality to null', method: 'GET', path: 'classes/Nully', body: { where: { b: null }, keys: 'c' } },
  { name: 'null fields through the SDK', method: 'POST', path: 'functions/nullFields' },
  // Login, users/me and verifyPassword re-read the user as the user: refused `get` CLPs leave only its id.
  { name: 'refuse get on _User', method: 'POST', path: 'functions/refuseUserGet', master: true },
  { name: 'login with get refused', method: 'POST', path: 'login', body: { username: 'carol', password: 'pw-carol' } },
  { name: 'users/me with get refused', method: 'GET', path: 'users/me', session: 'carolToken' },
  { name: 'verifyPassword with get refused', method: 'POST', path: 'verifyPassword', body: { username: 'carol', password: 'pw-carol' } },
  { name: 'login with get refused, with the master key', method: 'POST', path: 'login', master: true, body: { username: 'carol', password: 'pw-carol' } },
  { name: 'find users with protected city', method: 'GET', path: 'users', session: 'bobToken', body: { where: { username: 'carol' } } },
];
