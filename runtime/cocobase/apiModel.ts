// The one API model of a CocoBASE cloud function: every `db` and `request` member, the allowed builtins and
// modules, with signatures, return shapes, docs and examples. The runtime's Python sandbox generates the `db`
// methods and takes its builtins, module members and attribute rules from it (sandboxPolicy), and the language
// server builds completion, hover, signature help and argument checks from it. Never write a second copy.

/** One parameter of an API function, in Python terms. */
export interface ApiParam {
  name: string;
  /** Python type as shown to users, e.g. `str`, `dict | None`. */
  type: string;
  /** Python source of the default; absent means the parameter is required. */
  default?: string;
  doc: string;
  /** `positional`: positional-only (before `/`, as in `dict.get`); `keyword`: keyword-only (after `*`). */
  passing?: 'positional' | 'keyword';
}

/** A callable member (db method, request method, module function). */
export interface ApiFunction {
  kind: 'function';
  name: string;
  params: ApiParam[];
  /** Python return type as shown to users. */
  returns: string;
  /** What the returned value holds, when the API knows (documents, users, dicts, lists). */
  returnValue?: ApiValue;
  doc: string;
  example: string;
  /** True when it takes any keyword argument besides its parameters (`dict.update(a=1)`). */
  extraKeywords?: boolean;
}

/** A non-callable member (request.method, request.user...). */
export interface ApiProperty {
  kind: 'property';
  name: string;
  type: string;
  doc: string;
  example: string;
  /** What the value holds, when the API knows (request.user's attributes, request.headers' dict methods). */
  value?: ApiValue;
}

export type ApiMember = ApiFunction | ApiProperty;

/** A key of a dict the API returns (a document's `id`, `data`...). */
export interface ApiField {
  name: string;
  type: string;
  doc: string;
  value?: ApiValue;
}

/**
 * The shape of a value the API returns, for completion and hover on what a call or property gives back: a
 * dict (with its known keys; a document's `data` holds the fields of its collection), a list of items, or an
 * object with attributes (request.user).
 */
export type ApiValue =
  | { kind: 'dict'; type: string; fields?: ApiField[]; collectionFields?: boolean }
  | { kind: 'list'; item: ApiValue | string }
  | { kind: 'object'; name: string; members: ApiMember[] };

/** The Python type of a value as shown to users: `{"id": str, ...}` for a dict with known keys. */
export function valueType(value: ApiValue): string {
  switch (value.kind) {
    case 'dict': return value.fields ? `{${value.fields.map((f) => `"${f.name}": ${f.type}`).join(', ')}}` : value.type;
    case 'list': return `list[${typeof value.item === 'string' ? value.item : valueType(value.item)}]`;
    case 'object': return value.name;
  }
}

export interface ApiObject {
  name: string;
  doc: string;
  members: ApiMember[];
}

const field = (name: string, type: string, doc: string, value?: ApiValue): ApiField =>
  value ? { name, type, doc, value } : { name, type, doc };
const plainDict: ApiValue = { kind: 'dict', type: 'dict' };
const createdAt = field('created_at', 'str', 'When it was created (ISO 8601, UTC).');
const updatedAt = field('updated_at', 'str', 'When it was last changed (ISO 8601, UTC).');

/** A document as returned by every `db.*document*` call; `data` holds the fields of its collection. */
export const documentValue: ApiValue = { kind: 'dict', type: 'dict', fields: [
  field('id', 'str', 'Id of the document.'),
  field('collection_id', 'str', 'Id of the document\'s collection.'),
  field('data', 'dict', 'The document\'s fields.', { kind: 'dict', type: 'dict', collectionFields: true }),
  createdAt, updatedAt,
] };
/** An app user; the password is never returned. */
export const appUserValue: ApiValue = { kind: 'dict', type: 'dict', fields: [
  field('id', 'str', 'Id of the app user.'),
  field('email', 'str', 'Email of the app user.'),
  field('data', 'dict', 'Profile fields of the app user.', plainDict),
  field('roles', 'list[str]', 'Roles of the app user.', { kind: 'list', item: 'str' }),
  createdAt, updatedAt,
] };
/** A collection. */
export const collectionValue: ApiValue = { kind: 'dict', type: 'dict', fields: [
  field('id', 'str', 'Id of the collection.'),
  field('name', 'str', 'Name of the collection.'),
  field('webhook_url', 'str | None', 'URL called when documents change, or None.'),
  createdAt, updatedAt,
] };

/** Shape of a document as returned by every `db.*document*` call. */
export const documentShape = valueType(documentValue);
/** Shape of an app user; the password is never returned. */
export const appUserShape = valueType(appUserValue);
/** Shape of a collection. */
export const collectionShape = valueType(collectionValue);

/** What a function returns: a plain type, or a value the API knows, optionally `| None` on a miss. */
type ApiReturn = string | { value: ApiValue; orNone?: boolean };

const p = (name: string, type: string, doc: string, defaultValue?: string): ApiParam =>
  defaultValue === undefined ? { name, type, doc } : { name, type, doc, default: defaultValue };

function fn(name: string, params: ApiParam[], returns: ApiReturn, doc: string, example: string): ApiFunction {
  if (typeof returns === 'string') return { kind: 'function', name, params, returns, doc, example };
  const type = valueType(returns.value) + (returns.orNone ? ' | None' : '');
  return { kind: 'function', name, params, returns: type, returnValue: returns.value, doc, example };
}

const listOf = (item: ApiValue | string): ApiValue => ({ kind: 'list', item });
/** The same parameters, positional-only (the methods of Python's dict and list are C functions). */
const positionalOnly = (params: ApiParam[]): ApiParam[] => params.map((param) => ({ ...param, passing: 'positional' }));
/** The same parameters, keyword-only. */
const keywordOnly = (params: ApiParam[]): ApiParam[] => params.map((param) => ({ ...param, passing: 'keyword' }));
const one = (value: ApiValue) => ({ value });
const oneOrNone = (value: ApiValue) => ({ value, orNone: true });

const collectionParam = p('collection', 'str', 'Name of the collection.');
const documentIdParam = p('document_id', 'str', 'Id of the document.');
const filtersParam = p('filters', 'dict | None', 'Equality filters on fields of `data`; a dotted key ("a.b") reaches a nested field.', 'None');
const limitParam = p('limit', 'int | None', 'Maximum number of results; no limit when omitted.', 'None');

/** The injected `db` object: the CocoBASE data service scoped to the project. */
export const dbObject: ApiObject = {
  name: 'db',
  doc: 'Database service for collections, documents and app users, scoped to your project.',
  members: [
    fn('get_collections', [], one(listOf(collectionValue)),
      'All collections of the project, oldest first.', 'collections = db.get_collections()'),
    fn('get_collection', [p('name', 'str', 'Collection name.')], oneOrNone(collectionValue),
      'One collection by name, or None when it does not exist.', "users = db.get_collection('users')"),
    fn('create_collection', [p('name', 'str', 'Collection name.'), p('webhook_url', 'str | None', 'URL called when documents change.', 'None')],
      one(collectionValue),
      'Creates a collection. When it already exists, returns the existing collection unchanged.',
      "db.create_collection(name='products', webhook_url='https://example.com/webhook')"),
    fn('update_collection', [p('name', 'str', 'Collection name.'), p('webhook_url', 'str | None', 'New webhook URL.', 'None'), p('new_name', 'str | None', 'New collection name.', 'None')],
      oneOrNone(collectionValue),
      'Changes a collection\'s webhook URL (and/or name). None when the collection does not exist.',
      "db.update_collection('products', webhook_url='https://new-webhook.com')"),
    fn('delete_collection', [p('name', 'str', 'Collection name.')], 'bool',
      'Deletes a collection and its documents. False when it does not exist.', "db.delete_collection('old_collection')"),
    fn('create_document', [collectionParam, p('data', 'dict', 'The document\'s fields.')], one(documentValue),
      'Creates a document; creates the collection when it does not exist.',
      "doc = db.create_document('users', {'name': 'John', 'status': 'active'})"),
    fn('get_documents', [collectionParam, filtersParam, limitParam, p('offset', 'int', 'Number of results to skip.', '0')],
      one(listOf(documentValue)),
      'Documents of a collection, oldest first, optionally filtered by equality. [] when none match.',
      "active = db.get_documents('users', filters={'status': 'active'}, limit=10)"),
    fn('get_document', [collectionParam, documentIdParam], oneOrNone(documentValue),
      'One document by id, or None.', "user = db.get_document('users', doc_id)"),
    fn('update_document', [collectionParam, documentIdParam, p('data', 'dict', 'The new fields: they replace the old ones.')],
      oneOrNone(documentValue),
      'Replaces a document\'s data. None when the document does not exist.',
      "db.update_document('users', doc_id, {'name': 'Jane'})"),
    fn('update_document_fields', [collectionParam, documentIdParam, p('fields', 'dict', 'Fields to set; other fields are kept.')],
      oneOrNone(documentValue),
      'Sets some fields of a document, keeping the others. None when the document does not exist.',
      "db.update_document_fields('users', doc_id, {'status': 'inactive'})"),
    fn('delete_document', [collectionParam, documentIdParam], 'bool',
      'Deletes a document. False when it does not exist.', "db.delete_document('users', doc_id)"),
    fn('count_documents', [collectionParam, filtersParam], 'int',
      'Number of documents, optionally filtered. 0 for a missing collection.',
      "active_count = db.count_documents('users', {'status': 'active'})"),
    fn('search_documents', [collectionParam, p('search_term', 'str', 'Text to look for (case-insensitive substring).'),
      p('search_fields', 'list[str] | None', 'Fields to search; every string field when omitted.', 'None'), limitParam],
      one(listOf(documentValue)),
      'Documents whose fields contain the search term, case-insensitively, oldest first.',
      "db.search_documents('users', search_term='john', search_fields=['name', 'email'], limit=20)"),
    fn('get_app_users', [limitParam, p('offset', 'int', 'Number of users to skip.', '0')], one(listOf(appUserValue)),
      'App users of the project, oldest first.', 'users = db.get_app_users(limit=50)'),
    fn('get_app_user', [p('user_id', 'str', 'Id of the app user.')], oneOrNone(appUserValue),
      'One app user by id, or None.', 'user = db.get_app_user(user_id)'),
    fn('get_app_user_by_email', [p('email', 'str', 'Email address (case-insensitive).')], oneOrNone(appUserValue),
      'One app user by email, or None.', "user = db.get_app_user_by_email('john@example.com')"),
    fn('create_app_user', [p('email', 'str', 'Email address; must be unused.'), p('password', 'str', 'Password; stored as a salted slow hash.'),
      p('data', 'dict | None', 'Profile fields.', 'None'), p('roles', 'list[str] | None', 'Roles, e.g. ["user"].', 'None')],
      one(appUserValue),
      'Creates an app user. Raises ValueError when the email is already taken.',
      "db.create_app_user(email='new@example.com', password='secret', data={'level': 'senior'}, roles=['user'])"),
    fn('update_app_user', [p('user_id', 'str', 'Id of the app user.'), p('data', 'dict | None', 'Fields merged into the user\'s data.', 'None'),
      p('roles', 'list[str] | None', 'New roles (replace the old ones).', 'None'), p('email', 'str | None', 'New email.', 'None'),
      p('password', 'str | None', 'New password.', 'None')],
      oneOrNone(appUserValue),
      'Updates an app user: `data` is merged, `roles` replaced. None when the user does not exist.',
      "db.update_app_user(user_id, data={'department': 'marketing'}, roles=['user', 'admin'])"),
    fn('delete_app_user', [p('user_id', 'str', 'Id of the app user.')], 'bool',
      'Deletes an app user. False when it does not exist.', 'db.delete_app_user(user_id)'),
    fn('count_app_users', [], 'int', 'Number of app users of the project.', 'total = db.count_app_users()'),
    fn('execute_raw_query', [p('query', 'str', 'A read-only SQL statement (SELECT or WITH).'), p('params', 'dict | None', 'Named parameters; :project_id is always bound.', 'None')],
      one(listOf(plainDict)),
      'Runs a read-only SQL query against tables projects, collections, documents (JSON `data`) and app_users. Statements that write raise ValueError.',
      "db.execute_raw_query(\"SELECT COUNT(*) AS n FROM documents d JOIN collections c ON d.collection_id = c.id WHERE c.project_id = :project_id\")"),
  ],
};

/** Methods of the dicts the API returns (documents, `data`, `request.json()`, `request.query_params`...). */
export const dictMethods: ApiFunction[] = [
  fn('get', positionalOnly([p('key', 'str', 'The key.'), p('default', 'Any', 'Value when the key is missing.', 'None')]), 'Any',
    'The value of a key, or `default` when it is missing.', "doc['data'].get('status', 'new')"),
  fn('keys', [], 'dict_keys', 'The keys.', 'list(data.keys())'),
  fn('values', [], 'dict_values', 'The values.', 'sum(totals.values())'),
  fn('items', [], 'dict_items', '(key, value) pairs.', 'for key, value in data.items(): ...'),
  fn('copy', [], 'dict', 'A shallow copy.', 'updated = doc["data"].copy()'),
  fn('pop', positionalOnly([p('key', 'str', 'The key.'), p('default', 'Any', 'Value when the key is missing; without it a missing key raises KeyError.', '...')]), 'Any',
    'Removes a key and returns its value.', "data.pop('password', None)"),
  fn('popitem', [], 'tuple', 'Removes and returns the last inserted (key, value) pair.', 'key, value = data.popitem()'),
  fn('setdefault', positionalOnly([p('key', 'str', 'The key.'), p('default', 'Any', 'Value set when the key is missing.', 'None')]), 'Any',
    'The value of a key, first setting it to `default` when it is missing.', "data.setdefault('tags', [])"),
  { ...fn('update', positionalOnly([p('other', 'dict', 'Pairs to set (keyword arguments work too).', '()')]), 'None',
    'Sets the keys of another dict.', "data.update({'status': 'active'})"), extraKeywords: true },
  fn('clear', [], 'None', 'Removes every key.', 'data.clear()'),
  fn('fromkeys', positionalOnly([p('keys', 'list', 'The keys.'), p('value', 'Any', 'The value of every key.', 'None')]), 'dict',
    'A new dict with these keys, all set to `value`.', "dict.fromkeys(['a', 'b'], 0)"),
];

/** Methods of the lists the API returns (`db.get_documents(...)`, `request.user.roles`...). */
export const listMethods: ApiFunction[] = [
  fn('append', positionalOnly([p('item', 'Any', 'The item.')]), 'None', 'Adds an item at the end.', 'names.append(doc["data"]["name"])'),
  fn('extend', positionalOnly([p('items', 'list', 'The items.')]), 'None', 'Adds every item of another list at the end.', 'docs.extend(more)'),
  fn('insert', positionalOnly([p('index', 'int', 'Position.'), p('item', 'Any', 'The item.')]), 'None', 'Inserts an item before a position.', 'docs.insert(0, first)'),
  fn('remove', positionalOnly([p('item', 'Any', 'The item.')]), 'None', 'Removes the first item equal to `item`; ValueError when none is.', "roles.remove('admin')"),
  fn('pop', positionalOnly([p('index', 'int', 'Position; the last item when omitted.', '-1')]), 'Any', 'Removes and returns an item.', 'last = docs.pop()'),
  fn('clear', [], 'None', 'Removes every item.', 'docs.clear()'),
  fn('index', positionalOnly([p('item', 'Any', 'The item.'), p('start', 'int', 'Where the search starts.', '0'), p('stop', 'int', 'Where the search stops.', 'sys.maxsize')]), 'int',
    'Position of the first item equal to `item`; ValueError when none is.', "roles.index('admin')"),
  fn('count', positionalOnly([p('item', 'Any', 'The item.')]), 'int', 'Number of items equal to `item`.', "roles.count('admin')"),
  fn('sort', keywordOnly([p('key', 'Callable | None', 'Function giving the sort key of an item.', 'None'), p('reverse', 'bool', 'Descending order.', 'False')]), 'None',
    'Sorts the list in place.', "docs.sort(key=lambda d: d['created_at'], reverse=True)"),
  fn('reverse', [], 'None', 'Reverses the list in place.', 'docs.reverse()'),
  fn('copy', [], 'list', 'A shallow copy.', 'page = docs.copy()'),
];

/** The authenticated user of a request (`request.user`), or None. */
export const userMembers: ApiMember[] = [
  { kind: 'property', name: 'id', type: 'str', doc: 'Id of the app user.', example: 'request.user.id' },
  { kind: 'property', name: 'email', type: 'str', doc: 'Email of the app user.', example: 'request.user.email' },
  { kind: 'property', name: 'data', type: 'dict', doc: 'Profile fields of the app user.', example: "request.user.data.get('plan')", value: plainDict },
  { kind: 'property', name: 'roles', type: 'list[str]', doc: 'Roles of the app user.', example: "'admin' in request.user.roles", value: listOf('str') },
  { kind: 'property', name: 'created_at', type: 'str', doc: 'When the app user was created (ISO 8601, UTC).', example: 'request.user.created_at' },
];

const stringDict: ApiValue = { kind: 'dict', type: 'dict[str, str]' };

/** The injected `request` (also `req`) object. */
export const requestObject: ApiObject = {
  name: 'request',
  doc: 'The incoming request: payload, query parameters, headers and the authenticated user. Also available as `req`.',
  members: [
    fn('json', [], one(plainDict), 'The request payload as a dictionary.', 'data = request.json()'),
    fn('get', [p('key', 'str', 'Payload key.'), p('default', 'Any', 'Value when the key is missing.', 'None')], 'Any',
      'A value from the payload, or `default` when it is missing.', "name = request.get('name', 'Anonymous')"),
    { kind: 'property', name: 'query_params', type: 'dict[str, str]', doc: 'URL query parameters.', example: "page = request.query_params.get('page', '1')", value: stringDict },
    { kind: 'property', name: 'headers', type: 'dict[str, str]', doc: 'Request headers; lookups ignore case.', example: "request.headers.get('user-agent')", value: stringDict },
    { kind: 'property', name: 'user', type: 'User | None', doc: 'The authenticated app user, or None.', example: 'if request.user: uid = request.user.id',
      value: { kind: 'object', name: 'User', members: userMembers } },
    { kind: 'property', name: 'method', type: 'str', doc: 'HTTP method ("POST" unless the caller chose another).', example: 'request.method' },
    { kind: 'property', name: 'timestamp', type: 'str', doc: 'When the request was received (ISO 8601, UTC).', example: 'request.timestamp' },
  ],
};

/** Names the injected request object is bound to. */
export const requestNames = ['request', 'req'] as const;

export interface ApiBuiltin {
  name: string;
  kind: 'function' | 'type' | 'exception' | 'constant';
  /** True when the seed's whitelist lists it; the others are names its examples (or ordinary Python) need. */
  inSeedWhitelist: boolean;
  doc: string;
}

const seedBuiltins = [
  'len', 'str', 'int', 'float', 'list', 'dict', 'tuple', 'set', 'print', 'range', 'enumerate', 'zip', 'map', 'filter',
  'abs', 'min', 'max', 'sum', 'sorted', 'reversed', 'isinstance', 'type', 'any', 'all', 'bool',
  'ValueError', 'TypeError', 'KeyError', 'IndexError',
];
const extraFunctions = [
  'round', 'pow', 'divmod', 'repr', 'hash', 'iter', 'next', 'chr', 'ord', 'hex', 'oct', 'bin', 'format', 'callable',
  'issubclass', 'hasattr', 'id', 'ascii',
];
const extraTypes = ['frozenset', 'bytes', 'bytearray', 'complex', 'slice', 'object', 'super', 'property', 'staticmethod', 'classmethod'];
const extraExceptions = [
  'Exception', 'BaseException', 'ArithmeticError', 'AssertionError', 'AttributeError', 'LookupError', 'MemoryError',
  'NameError', 'NotImplementedError', 'OverflowError', 'RecursionError', 'RuntimeError', 'StopIteration',
  'TimeoutError', 'UnicodeError', 'ZeroDivisionError', 'ImportError', 'ModuleNotFoundError',
  'BaseExceptionGroup', 'ExceptionGroup', 'GeneratorExit', 'OSError', 'PermissionError', 'UnboundLocalError',
  'StopAsyncIteration', 'UnicodeDecodeError', 'UnicodeEncodeError', 'FloatingPointError',
];
const constants = ['True', 'False', 'None', 'NotImplemented', 'Ellipsis'];
const exceptionNames = new Set(['ValueError', 'TypeError', 'KeyError', 'IndexError', ...extraExceptions]);
const typeNames = new Set(['str', 'int', 'float', 'list', 'dict', 'tuple', 'set', 'bool', 'type', 'range', 'enumerate', 'zip', 'map', 'filter', 'reversed', ...extraTypes]);

/** Builtins reachable from a cloud function: the seed's whitelist plus what its examples and ordinary Python need. */
export const builtins: ApiBuiltin[] = [
  ...seedBuiltins.map((name) => ({ name, inSeedWhitelist: true })),
  ...[...extraFunctions, ...extraTypes, ...extraExceptions].map((name) => ({ name, inSeedWhitelist: false })),
].map(({ name, inSeedWhitelist }) => ({
  name,
  inSeedWhitelist,
  kind: exceptionNames.has(name) ? 'exception' as const : typeNames.has(name) ? 'type' as const : 'function' as const,
  doc: inSeedWhitelist ? `Python's built-in \`${name}\`.` : `Python's built-in \`${name}\` (not in the seed's whitelist; allowed because ordinary Python needs it).`,
}));

/** Constants of the language (keywords in Python 3), listed for completion. */
export const builtinConstants = constants;

/** Builtins that exist in Python but are refused in cloud functions, with the reason shown to users. */
export const forbiddenBuiltins: Record<string, string> = {
  open: 'cloud functions have no file system access',
  eval: 'dynamic code execution is not allowed',
  exec: 'dynamic code execution is not allowed',
  compile: 'dynamic code execution is not allowed',
  __import__: 'use `import json` (json, datetime, math and re are allowed)',
  globals: 'access to the interpreter\'s namespaces is not allowed',
  locals: 'access to the interpreter\'s namespaces is not allowed',
  vars: 'access to the interpreter\'s namespaces is not allowed',
  dir: 'introspection is not allowed',
  getattr: 'dynamic attribute access is not allowed',
  setattr: 'dynamic attribute access is not allowed',
  delattr: 'dynamic attribute access is not allowed',
  input: 'cloud functions cannot read standard input',
  breakpoint: 'debuggers are not available in cloud functions',
  help: 'interactive help is not available in cloud functions',
  memoryview: 'raw memory access is not allowed',
  exit: 'cloud functions cannot exit the interpreter',
  quit: 'cloud functions cannot exit the interpreter',
};

export interface ApiModule {
  name: string;
  doc: string;
  /** Public names exposed by the sandbox's stand-in for the module. */
  members: string[];
}

/** Modules a cloud function may import (and that are injected already imported). */
export const modules: ApiModule[] = [
  {
    name: 'json', doc: 'JSON encoding and decoding.',
    members: ['dumps', 'loads', 'dump', 'load', 'JSONDecodeError', 'JSONEncoder', 'JSONDecoder'],
  },
  {
    name: 'datetime',
    doc: 'Behaves like the `datetime.datetime` class (`datetime.now()`, `datetime.utcnow()`, `datetime.fromisoformat(s)`) and also exposes the module\'s classes (`datetime.datetime`, `datetime.date`, `datetime.timedelta`, `datetime.timezone`). Times are UTC.',
    // The class's constructors and constants, its instance methods (callable on the class with a datetime as
    // first argument, as in CPython), and the module's classes and constants.
    members: ['now', 'utcnow', 'today', 'fromisoformat', 'fromtimestamp', 'utcfromtimestamp', 'fromordinal',
      'fromisocalendar', 'strptime', 'combine', 'min', 'max', 'resolution',
      'astimezone', 'ctime', 'dst', 'isocalendar', 'isoformat', 'isoweekday', 'replace', 'strftime', 'timestamp',
      'timetuple', 'timetz', 'toordinal', 'tzname', 'utcoffset', 'utctimetuple', 'weekday',
      'year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'fold',
      'datetime', 'date', 'time', 'timedelta', 'timezone', 'tzinfo', 'MINYEAR', 'MAXYEAR', 'UTC'],
  },
  {
    name: 'math', doc: 'Mathematical functions.',
    // Every public name of CPython's math (3.11 to 3.14); the stand-in exposes those its Python has.
    members: ['ceil', 'floor', 'trunc', 'sqrt', 'isqrt', 'cbrt', 'pow', 'exp', 'exp2', 'expm1', 'log', 'log2', 'log10',
      'log1p', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh',
      'hypot', 'degrees', 'radians', 'fabs', 'factorial', 'gcd', 'lcm', 'comb', 'perm', 'isclose', 'isfinite',
      'isinf', 'isnan', 'fsum', 'prod', 'sumprod', 'copysign', 'fmod', 'fma', 'modf', 'frexp', 'ldexp', 'remainder',
      'nextafter', 'ulp', 'dist', 'erf', 'erfc', 'gamma', 'lgamma',
      'pi', 'e', 'tau', 'inf', 'nan'],
  },
  {
    name: 're', doc: 'Regular expressions.',
    members: ['compile', 'search', 'match', 'fullmatch', 'sub', 'subn', 'split', 'findall', 'finditer', 'escape',
      'purge', 'error', 'PatternError', 'Pattern', 'Match', 'RegexFlag', 'NOFLAG', 'IGNORECASE', 'I', 'MULTILINE', 'M',
      'DOTALL', 'S', 'VERBOSE', 'X', 'ASCII', 'A', 'UNICODE', 'U', 'LOCALE', 'L', 'DEBUG'],
  },
];

/** Names of the allowed modules. */
export const allowedModuleNames = modules.map((m) => m.name);

/** Attribute names the sandbox refuses besides those starting with `_` (frame, code and traceback walks). */
export const forbiddenAttributes = [
  'gi_frame', 'gi_code', 'gi_yieldfrom', 'gi_running', 'gi_suspended',
  'cr_frame', 'cr_code', 'cr_await', 'cr_origin', 'cr_running', 'cr_suspended',
  'ag_frame', 'ag_code', 'ag_await', 'ag_running',
  'tb_frame', 'tb_next', 'tb_lasti', 'tb_lineno',
  'f_back', 'f_globals', 'f_locals', 'f_builtins', 'f_code', 'f_trace', 'f_lasti', 'f_lineno', 'f_generator',
  'co_code', 'co_consts', 'co_names', 'co_varnames', 'co_filename', 'co_cellvars', 'co_freevars',
  'mro', 'constructor', 'prototype',
];

/** Dunder attributes that may be used (e.g. `super().__init__()`): they name methods, never internals. */
export const allowedDunderAttributes = [
  '__init__', '__repr__', '__str__', '__eq__', '__ne__', '__lt__', '__le__', '__gt__', '__ge__', '__hash__',
  '__len__', '__iter__', '__next__', '__contains__', '__getitem__', '__setitem__', '__delitem__', '__call__',
  '__enter__', '__exit__', '__bool__', '__add__', '__sub__', '__mul__', '__truediv__', '__floordiv__', '__mod__',
  '__neg__', '__abs__', '__name__', '__qualname__', '__doc__',
];

/** The JSON form of the model that the Python sandbox reads (policy.py; written into the snapshot by the build). */
export function sandboxPolicy() {
  return {
    // The constants too: True, False and None are keywords, but NotImplemented and Ellipsis are builtins' names.
    builtins: [...builtins.map((b) => b.name), ...constants],
    modules: Object.fromEntries(modules.map((m) => [m.name, m.members])),
    forbiddenAttributes,
    allowedDunderAttributes,
    forbiddenBuiltins,
    dbMethods: Object.fromEntries(dbObject.members.filter((m): m is ApiFunction => m.kind === 'function')
      .map((m) => [m.name, m.params.map((param) => ({ name: param.name, default: param.default ?? null }))])),
  };
}
