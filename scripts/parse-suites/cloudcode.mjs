// Runs parse-server's spec/CloudCode.spec.js against `cloudfn serve` (issue 13): each spec's top-level
// `Parse.Cloud.*` registrations are moved into a cloud file of its own, `serve` is started on it over a fresh
// database, and the rest of the spec runs in jasmine with the Parse SDK pointed at that server. Specs that
// need parse-server's own process (reconfigureServer with options, Config, spies, lib/ modules, cloud code
// that shares variables with the test) are skipped with their reason. A developer recipe, not part of
// `npm test`: see the README's Parse section.
//
//   node scripts/parse-suites/cloudcode.mjs --spec DIR/spec/CloudCode.spec.js --work DIR [--filter REGEX]
//        [--sdk PATH/parse/node] [--json FILE] [--list-skipped]
//
// --work is a scratch folder (outside the repository) with jasmine installed (`npm install jasmine@3.5.0`,
// parse-server's version); the generated specs, cloud files and databases are written under it.

/* global setTimeout, clearTimeout, URLSearchParams, fetch, expect, fail -- Node's, and jasmine's once it runs */

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const requireHere = createRequire(import.meta.url);
const ts = requireHere('typescript');

function parseArgs(argv) {
  const options = { spec: '', work: '', filter: null, sdk: path.join(repoRoot, '.peer', 'parse-server', 'node_modules', 'parse', 'node'), json: '', listSkipped: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i] ?? '';
    if (flag === '--spec') options.spec = path.resolve(value());
    else if (flag === '--work') options.work = path.resolve(value());
    else if (flag === '--filter') options.filter = new RegExp(value());
    else if (flag === '--sdk') options.sdk = path.resolve(value());
    else if (flag === '--json') options.json = path.resolve(value());
    else if (flag === '--list-skipped') options.listSkipped = true;
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!options.spec || !options.work) throw new Error('usage: cloudcode.mjs --spec CloudCode.spec.js --work DIR');
  return options;
}

// ---------------------------------------------------------------------------------------------------------
// The transform: describe/it tree → runnable specs (cloud part + client part) or skipped specs with a reason.

/** Text patterns that need parse-server's process; a spec (or its describe's hooks) using one is skipped. */
const needsServerProcess = [
  [/reconfigureServer\(\s*[^)\s]/, 'reconfigures the server'],
  [/(?<![.\w])Config\.get\b/, 'reads parse-server Config'],
  [/\bspyOn\(|jasmine\.createSpy|createSpyObj/, 'spies on server internals'],
  [/\brequire\(/, 'requires parse-server modules'],
  [/\bParseServer\b|\bdatabaseAdapter\b|\bmockAdapter\b|\bInMemoryCacheAdapter\b|\bdefaultConfiguration\b/, 'builds its own server'],
  [/Parse\.Cloud\._|\bParse\.Server\b|\btriggers\.|\blogger\b|\bloggerErrorSpy\b/, 'uses server internals'],
  [/\bsendEmail\b|\bbeforeSaveFile\b|\bafterSaveFile\b|\bbeforeDeleteFile\b|\bafterDeleteFile\b|\bbeforeConnect\b|\bbeforeSubscribe\b|\bafterLiveQueryEvent\b|\bParse\.Push\b|\bLiveQuery\b/, 'out of scope (email, deprecated file triggers, LiveQuery, push)'],
];

const registrationNames = /^(define|job|beforeSave|afterSave|beforeDelete|afterDelete|beforeFind|afterFind|beforeLogin|afterLogin|afterLogout|beforePasswordResetRequest)$/;

/**
 * The registration a statement makes: `Parse.Cloud.X(...)` (optionally awaited), or one wrapped in
 * `expect(() => { Parse.Cloud.X(...); }).not.toThrow();`; null for any other statement.
 */
function registrationOf(statement) {
  if (isRegistration(statement)) return statement;
  const match = /^expect\(\(\) => \{([\s\S]*)\}\)\.not\.toThrow\(\);?$/.exec(statement.getText());
  if (!match || !ts.isExpressionStatement(statement)) return null;
  const arrow = statement.expression.expression.expression.expression.arguments?.[0];
  const inner = arrow && ts.isArrowFunction(arrow) && ts.isBlock(arrow.body) ? arrow.body.statements : [];
  return inner.length === 1 && isRegistration(inner[0]) ? inner[0] : null;
}

/** A statement that cannot reach the server: a declaration of literals, classes (Parse.Object.extend) or functions. */
function isServerFree(statement) {
  if (ts.isFunctionDeclaration(statement) || ts.isEmptyStatement(statement)) return true;
  if (!ts.isVariableStatement(statement)) return false;
  return statement.declarationList.declarations.every((declaration) => isPure(declaration.initializer));
}

function isPure(node) {
  if (!node) return true;
  if (ts.isNumericLiteral(node) || ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return true;
  if ([ts.SyntaxKind.TrueKeyword, ts.SyntaxKind.FalseKeyword, ts.SyntaxKind.NullKeyword].includes(node.kind)) return true;
  if (ts.isIdentifier(node)) return node.text === 'undefined';
  return isExtend(node);
}

/** `Parse.Object.extend(...)` of literals: a class both sides can make alike. */
function isExtend(node) {
  return Boolean(node) && ts.isCallExpression(node) && node.expression.getText() === 'Parse.Object.extend' && node.arguments.every((argument) => ts.isStringLiteral(argument) || ts.isObjectLiteralExpression(argument));
}

/** `Parse.Cloud.X(...)` as a statement (optionally awaited): the cloud registrations that move to main.js. */
function isRegistration(statement) {
  if (!ts.isExpressionStatement(statement)) return false;
  let expression = statement.expression;
  if (ts.isAwaitExpression(expression)) expression = expression.expression;
  if (!ts.isCallExpression(expression) || !ts.isPropertyAccessExpression(expression.expression)) return false;
  const callee = expression.expression;
  return ts.isPropertyAccessExpression(callee.expression) && callee.expression.getText() === 'Parse.Cloud' && registrationNames.test(callee.name.text);
}

/**
 * `reconfigureServer()` without options, or with only options that are Parse Server 9's fixed behaviour
 * (it always decodes pointers in function params): serve as it is.
 */
function isPlainReconfigure(statement) {
  return ts.isExpressionStatement(statement) && /^(await\s+)?reconfigureServer\(\s*(\{\s*encodeParseObjectInCloudFunction:\s*true\s*\})?\s*\)$/.test(statement.expression.getText());
}

/** Identifiers a piece of code reads without declaring them (a name-level approximation of scopes). */
function freeNames(nodes) {
  const { declared, used } = namesOf(nodes);
  return [...used].filter((name) => !declared.has(name));
}

/** The names a declaration statement itself declares (not those of the functions inside it). */
function ownNames(statement) {
  if (ts.isFunctionDeclaration(statement)) return statement.name ? [statement.name.text] : [];
  if (!ts.isVariableStatement(statement)) return [];
  const names = [];
  const collect = (name) => {
    if (ts.isIdentifier(name)) names.push(name.text);
    else for (const element of name.elements) if (ts.isBindingElement(element)) collect(element.name);
  };
  for (const declaration of statement.declarationList.declarations) collect(declaration.name);
  return names;
}

/** The names a piece of code declares and the ones it uses. */
function namesOf(nodes) {
  const declared = new Set();
  const used = new Set();
  const declare = (name) => {
    if (ts.isIdentifier(name)) declared.add(name.text);
    else if (name && (ts.isObjectBindingPattern(name) || ts.isArrayBindingPattern(name))) for (const element of name.elements) if (ts.isBindingElement(element)) declare(element.name);
  };
  const visit = (node) => {
    if (ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isBindingElement(node)) declare(node.name);
    if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isClassDeclaration(node) || ts.isClassExpression(node)) && node.name) declared.add(node.name.text);
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      const isName = (ts.isPropertyAccessExpression(parent) && parent.name === node)
        || (ts.isPropertyAssignment(parent) && parent.name === node)
        || ((ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isGetAccessor(parent) || ts.isSetAccessor(parent)) && parent.name === node)
        || (ts.isBindingElement(parent) && parent.propertyName === node)
        || ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent);
      if (!isName) used.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  for (const node of nodes) visit(node);
  return { declared, used };
}

/**
 * A declaration the cloud file may have a copy of: a class made by `Parse.Object.extend` of literals, or a
 * function (of the test or its describe) that uses nothing but globals — getJobStatus, say.
 */
function copyableDeclaration(spec, name) {
  const candidates = [...(ts.isBlock(spec.fn.body) ? spec.fn.body.statements : []), ...spec.declarations];
  for (const statement of candidates) {
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === name) {
      return freeNames([statement]).every((used) => used === name || cloudGlobals.has(used) || used in globalThis) ? statement : null;
    }
    if (ts.isVariableStatement(statement)) {
      const declarations = statement.declarationList.declarations;
      if (!declarations.some((declaration) => ts.isIdentifier(declaration.name) && declaration.name.text === name)) continue;
      const initializer = declarations[0]?.initializer;
      const isFunction = initializer && (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer));
      const globalOnly = freeNames([statement]).every((used) => used === name || cloudGlobals.has(used) || used in globalThis);
      return declarations.length === 1 && (isExtend(initializer) || (isFunction && globalOnly)) ? statement : null;
    }
  }
  return null;
}

/**
 * The test's own `let`/`var` with a primitive literal (or no) initializer, declared at the top of its body:
 * a counter or flag Cloud Code sets and the test reads, which the harness shares through serve.
 */
function sharedDeclaration(fn, name) {
  if (!ts.isBlock(fn.body)) return null;
  for (const statement of fn.body.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const declarations = statement.declarationList.declarations;
    if (!declarations.some((declaration) => ts.isIdentifier(declaration.name) && declaration.name.text === name)) continue;
    const primitive = (node) => !node || ts.isNumericLiteral(node) || ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)
      || [ts.SyntaxKind.TrueKeyword, ts.SyntaxKind.FalseKeyword, ts.SyntaxKind.NullKeyword].includes(node.kind) || (ts.isIdentifier(node) && node.text === 'undefined');
    if (declarations.length !== 1 || !primitive(declarations[0].initializer)) return null;
    return { name, statement, initial: declarations[0].initializer?.getText() ?? 'undefined' };
  }
  return null;
}

/** Names the harness gives the test itself (a file's own `require` of them is dropped). */
const providedNames = new Set(['Parse', 'request']);

/** Names the cloud file provides besides Node's globals. */
const cloudGlobals = new Set(['Parse', 'expect', 'fail', 'jasmine', 'TestObject', 'Item', 'Container', 'undefined', 'arguments', 'require', 'jequal', 'ok', 'equal', 'notEqual', 'strictEqual', 'range']);

/** The callback of `it(...)`, `it_id(ID)(it)(...)`, `it_exclude_dbs([...])(...)`, `it_only_db(DB)(...)`. */
function specCall(node) {
  if (!ts.isCallExpression(node)) return null;
  const callee = node.expression;
  const [nameArg, fnArg] = node.arguments;
  if (!nameArg || !fnArg || !(ts.isStringLiteralLike(nameArg) || ts.isTemplateExpression(nameArg))) return null;
  if (!(ts.isFunctionExpression(fnArg) || ts.isArrowFunction(fnArg))) return null;
  const calleeText = callee.getText();
  let kind = null;
  if (calleeText === 'it' || calleeText === 'fit') kind = 'it';
  else if (calleeText === 'xit') kind = 'xit';
  else if (/^it_id\(.*\)\(it\)$/s.test(calleeText)) kind = 'it';
  else if (/^it_id\(.*\)\(xit\)$/s.test(calleeText)) kind = 'xit';
  else if (/^it_exclude_dbs\(/.test(calleeText)) kind = /postgres/.test(calleeText) ? 'mongo-only' : 'it';
  else if (/^it_only_db\(/.test(calleeText)) kind = /mongo/.test(calleeText) ? 'mongo-only' : 'it';
  else if (/^(describe|fdescribe|xdescribe)$/.test(calleeText)) kind = calleeText === 'xdescribe' ? 'xdescribe' : 'describe';
  else if (/^(beforeEach|afterEach|beforeAll|afterAll)$/.test(calleeText)) kind = null;
  return kind ? { kind, name: nameArg.getText().slice(1, -1), fn: fnArg } : null;
}

function hookCall(node) {
  if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression)) return null;
  const name = node.expression.text;
  const fn = node.arguments[0];
  if (!/^(beforeEach|afterEach|beforeAll|afterAll)$/.test(name) || !fn || !(ts.isFunctionExpression(fn) || ts.isArrowFunction(fn))) return null;
  return { name, fn };
}

/** Walks the spec file: every it with its describe path and the hooks of the describes around it. */
function collectSpecs(sourceFile) {
  const specs = [];
  const walk = (node, describes, hooks, declarations, disabled) => {
    const call = ts.isExpressionStatement(node) ? specCall(node.expression) : null;
    if (call && (call.kind === 'describe' || call.kind === 'xdescribe')) {
      const body = call.fn.body;
      const ownHooks = [];
      const ownDeclarations = [];
      if (ts.isBlock(body)) for (const statement of body.statements) {
        const hook = ts.isExpressionStatement(statement) ? hookCall(statement.expression) : null;
        if (hook) ownHooks.push(hook);
        if (ts.isFunctionDeclaration(statement) || ts.isVariableStatement(statement)) ownDeclarations.push(statement);
      }
      if (ts.isBlock(body)) for (const statement of body.statements) walk(statement, [...describes, call.name], [...hooks, ...ownHooks], [...declarations, ...ownDeclarations], disabled || call.kind === 'xdescribe');
      return;
    }
    if (call) {
      specs.push({ describes, name: call.name, kind: disabled ? 'xit' : call.kind, fn: call.fn, hooks, declarations, line: sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
      return;
    }
    if (ts.isBlock(node) || ts.isSourceFile(node)) for (const statement of node.statements) walk(statement, describes, hooks, declarations, disabled);
  };
  // The file's own top-level declarations (helpers such as a validator both sides use) count as the outermost
  // describe's, except what the harness provides itself (the SDK, parse-server's request helper).
  const fileDeclarations = sourceFile.statements.filter((statement) => (ts.isFunctionDeclaration(statement) || ts.isVariableStatement(statement))
    && !ownNames(statement).some((name) => providedNames.has(name)));
  walk(sourceFile, [], [], fileDeclarations, false);
  return specs;
}

/**
 * Splits a function's body into its cloud registrations and the text of the function without them. The
 * registrations before any other statement are made when the cloud file loads; a later one (after a save the
 * test makes first, say) is made when the test reaches it: its place becomes an `await` of the harness's
 * `activate`, which has serve run it (Parse.Cloud registers at any time, as in parse-server's own process).
 */
function splitFunction(fn, registrations) {
  const body = fn.body;
  if (!ts.isBlock(body)) return { clientText: fn.getText(), cloud: [] };
  const start = fn.getStart();
  let text = fn.getText();
  const edits = [];
  const cloud = [];
  let leading = true;
  for (const statement of body.statements) {
    if (isPlainReconfigure(statement)) { edits.push([statement, '/* reconfigureServer() */']); continue; }
    const registration = registrationOf(statement);
    if (!registration) { if (!isServerFree(statement)) leading = false; continue; }
    const index = registrations.length;
    registrations.push({ text: registration.getText(), leading });
    cloud.push(registration);
    if (!leading && !fn.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.AsyncKeyword)) return { deferredInSync: true, clientText: text, cloud };
    edits.push([statement, leading ? '/* registered when the cloud file loads */' : `await globalThis.cloudcodeSuite.activate(${index});`]);
  }
  for (const [statement, replacement] of edits.reverse()) {
    text = `${text.slice(0, statement.getStart() - start)}${replacement}${text.slice(statement.getEnd() - start)}`;
  }
  return { clientText: text, cloud };
}

function transform(spec) {
  if (spec.kind === 'xit') return { skip: 'disabled in parse-server (xit/xdescribe)' };
  if (spec.kind === 'mongo-only') return { skip: 'MongoDB only in parse-server (the peer runs PostgreSQL)' };
  // The describes' and the file's declarations the spec uses (directly, or through another one it uses).
  const used = namesOf([spec.fn, ...spec.hooks.map((hook) => hook.fn)]).used;
  for (let grew = true; grew;) {
    grew = false;
    for (const declaration of spec.declarations) {
      if (!ownNames(declaration).some((name) => used.has(name))) continue;
      for (const name of namesOf([declaration]).used) if (!used.has(name)) { used.add(name); grew = true; }
    }
  }
  spec = { ...spec, declarations: spec.declarations.filter((declaration) => ownNames(declaration).some((name) => used.has(name))) };
  const registrations = [];
  const parts = [...spec.hooks.map((hook) => ({ hook: hook.name, ...splitFunction(hook.fn, registrations) })), { hook: null, ...splitFunction(spec.fn, registrations) }];
  const allText = [...spec.declarations.map((declaration) => declaration.getText()), ...parts.map((part) => part.clientText), ...registrations.map((registration) => registration.text)].join('\n');
  for (const [pattern, reason] of needsServerProcess) if (pattern.test(allText)) return { skip: reason };
  if (parts.some((part) => part.deferredInSync)) return { skip: 'registers cloud code after other statements of a test that is not async' };
  for (const part of parts) {
    if (/Parse\.Cloud\.(define|job|before\w+|after\w+)\s*\(/.test(part.clientText)) return { skip: 'registers cloud code below the top level of the test' };
  }
  const free = freeNames(parts.flatMap((part) => part.cloud)).filter((name) => !cloudGlobals.has(name) && !(name in globalThis));
  // A free name the test declares as a primitive variable is shared; one it declares otherwise (a function, an
  // object) cannot be; one declared nowhere is undefined in Cloud Code, as in parse-server's process.
  const testNames = namesOf([spec.fn, ...spec.hooks.map((hook) => hook.fn), ...spec.declarations]).declared;
  const shared = [];
  const unshared = [];
  const copied = [];
  for (const name of free) {
    const declaration = sharedDeclaration(spec.fn, name);
    const copy = declaration ? null : copyableDeclaration(spec, name);
    if (declaration) shared.push(declaration);
    else if (copy) copied.push(copy);
    else if (testNames.has(name)) unshared.push(name);
  }
  if (unshared.length) return { skip: `cloud code shares variables with the test (${unshared.join(', ')})` };
  for (const { statement } of shared) {
    const part = parts[parts.length - 1];
    part.clientText = part.clientText.replace(statement.getText(), `/* ${statement.getText()} — shared with Cloud Code through serve */`);
  }
  if (parts.some((part) => part.hook && part.hook !== 'beforeEach' && part.cloud.length)) return { skip: 'registers cloud code in a hook other than beforeEach' };
  const cloudCode = copied.map((statement) => `${statement.getText()}\n`).join('') + shared.map(({ name, initial }) => `globalThis[${JSON.stringify(name)}] = ${initial};\n`).join('') + registrations.map((registration, index) => `registrations[${index}] = () => {\n${registration.text}\n};${registration.leading ? `\nregistrations[${index}]();` : ''}`).join('\n\n');
  return { cloudCode, shared, declarations: spec.declarations.map((declaration) => declaration.getText()), hooks: parts.filter((part) => part.hook), clientText: parts[parts.length - 1].clientText };
}

// ---------------------------------------------------------------------------------------------------------
// Generated files: the cloud file (a prelude with jasmine's matchers, then the spec's registrations) and the
// jasmine spec that starts serve on it.

function cloudPrelude(jasmineCore) {
  return `// Generated by scripts/parse-suites/cloudcode.mjs: jasmine's matchers for expectations inside Cloud Code.
const jasmineRequire = require(${JSON.stringify(jasmineCore)});
const j$ = jasmineRequire.core(jasmineRequire);
const util = j$.MatchersUtil ? new j$.MatchersUtil({ customTesters: [], pp: j$.makePrettyPrinter() }) : j$.matchersUtil;
const failures = [];
const record = (message) => { failures.push(String(message)); };
global.fail = (message) => record(message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(message));
global.expect = (actual) => {
  const make = (negate) => new Proxy({}, { get: (_, name) => {
    if (name === 'not') return make(!negate);
    const factory = j$.matchers[name];
    if (!factory) return () => record('matcher ' + String(name) + ' is not available inside Cloud Code');
    return (...expected) => {
      const matcher = factory(util, []);
      const result = negate && matcher.negativeCompare ? matcher.negativeCompare(actual, ...expected) : matcher.compare(actual, ...expected);
      const pass = negate && !matcher.negativeCompare ? !result.pass : result.pass;
      if (!pass) record('in Cloud Code: ' + (typeof result.message === 'function' ? result.message() : result.message || ('Expected ' + j$.pp(actual) + (negate ? ' not ' : ' ') + String(name) + ' ' + expected.map((e) => j$.pp(e)).join(', '))));
    };
  } });
  return make(false);
};
global.jasmine = { any: (c) => new j$.Any(c), anything: () => new j$.Anything(), objectContaining: (o) => new j$.ObjectContaining(o), arrayContaining: (a) => new j$.ArrayContaining(a) };
global.TestObject = Parse.Object.extend({ className: 'TestObject' });
global.Item = Parse.Object.extend({ className: 'Item' });
global.Container = Parse.Object.extend({ className: 'Container' });
Parse.Cloud.define('__cloudcodeSuiteFailures', () => failures.splice(0));
Parse.Cloud.define('__cloudcodeSuiteShared', ({ params }) => {
  if ('value' in params) globalThis[params.name] = params.value;
  return { value: globalThis[params.name] };
});
const registrations = [];
Parse.Cloud.define('__cloudcodeSuiteActivate', ({ params }) => { registrations[params.index](); return true; });
`;
}

function specFile(spec, index, dir, plan) {
  const hooks = plan.hooks.map((hook) => `  ${hook.hook}(${hook.clientText});`).join('\n');
  return `// Generated by scripts/parse-suites/cloudcode.mjs from CloudCode.spec.js line ${spec.line}.
describe(${JSON.stringify(spec.describes.join(' › ') || 'Cloud Code')}, () => {
  beforeAll(() => globalThis.cloudcodeSuite.start(${JSON.stringify(dir)}, ${JSON.stringify(plan.shared.map((variable) => variable.name))}), 60000);
  afterEach((done) => { globalThis.cloudcodeSuite.afterEach().then(done, done); });
  afterAll(() => globalThis.cloudcodeSuite.stop(), 20000);
${plan.declarations.map((declaration) => `  ${declaration}`).join('\n')}
${hooks}
  it(${JSON.stringify(spec.name)}, ${plan.clientText});
});
`;
}

// ---------------------------------------------------------------------------------------------------------
// Runtime: serve per spec, the Parse SDK, lib/request as parse-server's specs use it.

function startServe(dir) {
  const cli = path.join(repoRoot, 'bin', 'cloudfn.js');
  const args = [cli, 'serve', '--port', '0', '--cloud', path.join(dir, 'main.js'), '--db', path.join(dir, 'local.db'), '--app-id', 'test', '--master-key', 'test'];
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`serve did not start:\n${output}`)); }, 30_000);
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited with ${code}:\n${output}`)); });
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /Parse API at (http:\/\/127\.0\.0\.1:\d+\/parse)/.exec(output);
      if (!match || child.listening) return;
      child.listening = true;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ url: match[1], output: () => output, stop: () => new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => { clearTimeout(kill); done(); });
        child.kill('SIGTERM');
      }) });
    });
  });
}

/** parse-server's lib/request: resolves with {status, headers, text, data} below 400, rejects with it above. */
function makeRequest(getUrl) {
  return async (options) => {
    // parse-server's test URL, with keys as user:password (Basic auth, which fetch takes only as a header).
    const [, credentials, rest] = /^http:\/\/(?:([^@/]*)@)?localhost:8378\/1(.*)$/s.exec(String(options.url)) ?? [];
    const url = rest === undefined ? String(options.url) : getUrl() + rest;
    const headers = { ...(options.headers ?? {}) };
    if (credentials) headers.Authorization = `Basic ${Buffer.from(decodeURIComponent(credentials)).toString('base64')}`;
    let body = options.body;
    if (body !== undefined && typeof body === 'object' && !Buffer.isBuffer(body)) {
      const contentType = Object.keys(headers).find((key) => /content-type/i.test(key));
      if (!contentType) { body = new URLSearchParams(body).toString(); headers['Content-Type'] = 'application/x-www-form-urlencoded'; }
      else if (/application\/json/i.test(headers[contentType])) body = JSON.stringify(body);
      else body = new URLSearchParams(body).toString();
    }
    let target = url;
    if (options.qs) target += (target.includes('?') ? '&' : '?') + new URLSearchParams(options.qs).toString();
    const response = await fetch(target, { method: options.method ?? 'GET', headers, body, redirect: options.followRedirects === false ? 'manual' : 'follow' });
    const text = await response.text();
    let data;
    try { data = JSON.parse(text); } catch { /* not JSON */ }
    const result = { status: response.status, headers: Object.fromEntries(response.headers), text, data, buffer: Buffer.from(text) };
    if (response.status < 200 || response.status >= 400) throw result;
    return result;
  };
}

/** Reads (or sets) a shared variable in serve's Cloud Code, synchronously: the test reads it as a plain variable. */
function sharedValue(url, params) {
  const script = `fetch(process.argv[1] + '/functions/__cloudcodeSuiteShared', { method: 'POST', headers: { 'X-Parse-Application-Id': 'test', 'X-Parse-Master-Key': 'test', 'Content-Type': 'application/json' }, body: process.argv[2] })
    .then((response) => response.json()).then((body) => process.stdout.write(JSON.stringify(body)));`;
  const body = JSON.parse(execFileSync(process.execPath, ['-e', script, url, JSON.stringify(params)], { encoding: 'utf8' }));
  if (!body.result) throw new Error(`shared variable ${params.name}: ${JSON.stringify(body)}`);
  return body.result.value;
}

function installGlobals(options, Parse) {
  let served = null;
  const url = () => served?.url ?? 'http://127.0.0.1:1/parse';
  Parse.initialize('test', 'test', 'test');
  Parse.User.enableUnsafeCurrentUser();
  const TestObject = Parse.Object.extend({ className: 'TestObject' });
  const normalize = (obj) => {
    if (obj === null || typeof obj !== 'object') return JSON.stringify(obj);
    if (Array.isArray(obj)) return `[${obj.map(normalize).join(', ')}]`;
    return `{${Object.keys(obj).sort().map((key) => `${key}: ${normalize(obj[key])}, `).join('')}}`;
  };
  Object.assign(globalThis, {
    Parse, TestObject, request: makeRequest(url),
    Item: Parse.Object.extend({ className: 'Item' }), Container: Parse.Object.extend({ className: 'Container' }),
    reconfigureServer: async () => {},
    create: (attributes, callback) => new TestObject(attributes).save().then(callback),
    createTestUser: () => { const user = new Parse.User(); user.set('username', 'test'); user.set('password', 'moon-y'); return user.signUp(); },
    ok: (bool, message) => expect(bool).toBeTruthy(message), equal: (a, b, message) => expect(a).toEqual(b, message),
    strictEqual: (a, b, message) => expect(a).toBe(b, message), notEqual: (a, b, message) => expect(a).not.toEqual(b, message),
    arrayContains: (array, item) => array.indexOf(item) !== -1, jequal: (a, b) => expect(normalize(a)).toEqual(normalize(b)),
    range: (n) => Array.from({ length: n }, (_, i) => i), jfail: (error) => fail(JSON.stringify(error)),
    cloudcodeSuite: {
      async start(dir, sharedNames) {
        served = await startServe(dir);
        Parse.serverURL = served.url;
        // A variable shared with Cloud Code is a global whose reads and writes go to serve synchronously.
        for (const name of sharedNames) {
          Object.defineProperty(globalThis, name, {
            configurable: true,
            get: () => sharedValue(served.url, { name }),
            set: (value) => { sharedValue(served.url, { name, value }); },
          });
        }
        this.sharedNames = sharedNames;
      },
      async activate(index) {
        await Parse.Cloud.run('__cloudcodeSuiteActivate', { index }, { useMasterKey: true });
      },
      async afterEach() {
        const failures = await Parse.Cloud.run('__cloudcodeSuiteFailures', {}, { useMasterKey: true }).catch((error) => [`could not read Cloud Code expectations: ${error.message}`]);
        for (const failure of failures) fail(failure);
        await Parse.User.logOut().catch(() => {});
      },
      async stop() {
        for (const name of this.sharedNames ?? []) delete globalThis[name];
        const output = served?.output() ?? '';
        await served?.stop();
        served = null;
        return output;
      },
    },
  });
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const requireWork = createRequire(path.join(options.work, 'package.json'));
  const Jasmine = requireWork('jasmine');
  const jasmineCore = requireWork.resolve('jasmine-core');
  const text = fs.readFileSync(options.spec, 'utf8');
  const sourceFile = ts.createSourceFile(options.spec, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const specs = collectSpecs(sourceFile).filter((spec) => !options.filter || options.filter.test([...spec.describes, spec.name].join(' ')));

  const root = path.join(options.work, 'cloudcode-run');
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  const skipped = [];
  const files = [];
  specs.forEach((spec, index) => {
    const plan = transform(spec);
    if (plan.skip) { skipped.push({ spec, reason: plan.skip }); return; }
    const dir = path.join(root, String(index).padStart(3, '0'));
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'main.js'), `${cloudPrelude(jasmineCore)}\n${plan.cloudCode}\n`);
    const file = path.join(dir, 'cloudcode.spec.js');
    fs.writeFileSync(file, specFile(spec, index, dir, plan));
    files.push(file);
  });

  const jasmine = new Jasmine({ projectBaseDir: root });
  jasmine.loadConfig({ spec_dir: '.', spec_files: [], random: false });
  jasmine.jasmine.DEFAULT_TIMEOUT_INTERVAL = 10_000;
  installGlobals(options, requireHere(options.sdk));
  const results = [];
  jasmine.env.clearReporters();
  jasmine.addReporter({
    specDone: (result) => {
      const first = result.failedExpectations[0];
      results.push({ name: result.fullName, status: result.status, error: first ? String(first.message).split('\n')[0] : '' });
      process.stdout.write(result.status === 'passed' ? '.' : result.status === 'failed' ? 'F' : '*');
    },
  });
  jasmine.exitOnCompletion = false;
  const finished = new Promise((resolve) => jasmine.onComplete(resolve));
  jasmine.execute(files);
  await finished;
  process.stdout.write('\n');

  const passed = results.filter((result) => result.status === 'passed');
  const failed = results.filter((result) => result.status === 'failed');
  const reasons = new Map();
  for (const { reason } of skipped) {
    const key = reason.replace(/ \(.*\)$/, '');
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  console.log(`\n${path.basename(options.spec)}: ${specs.length} specs; ${results.length} run out of process, ${passed.length} passed, ${failed.length} failed; ${skipped.length} skipped`);
  for (const [reason, count] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`  skipped ${String(count).padStart(3)}: ${reason}`);
  if (failed.length) console.log('\nFailing specs:');
  for (const result of failed) console.log(`  ✗ ${result.name}\n      ${result.error}`);
  if (options.listSkipped) for (const { spec, reason } of skipped) console.log(`  - line ${spec.line} ${spec.name}: ${reason}`);
  if (options.json) fs.writeFileSync(options.json, JSON.stringify({ total: specs.length, run: results.length, passed: passed.length, failed: failed.length, skipped: skipped.map(({ spec, reason }) => ({ line: spec.line, name: spec.name, reason })), results }, null, 2));
  process.exitCode = failed.length ? 1 : 0;
}

await main();
