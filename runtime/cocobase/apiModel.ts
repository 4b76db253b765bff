// The one API model of a CocoBASE cloud function: every `db` and `request` member, the allowed builtins and
// modules, with signatures, return shapes, docs and examples. The runtime's Python sandbox generates the `db`
// methods and takes its builtins, module members and attribute rules from it (sandboxPolicy), and the language
// server builds completion, hover, signature help and argument checks from it. Never write a second copy.

import type { Operator } from './query/filters';

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
  /** True for a dict of filters in the query language (operators, OR groups), not the older equality filters. */
  queryFilters?: true;
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
  /** Name of the `**` parameter in signatures and stubs (`kwargs` when absent), e.g. `filters` of db.query. */
  keywordsName?: string;
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
const appUserFields = [
  field('id', 'str', 'Id of the app user.'),
  field('email', 'str', 'Email of the app user.'),
  field('data', 'dict', 'Profile fields of the app user.', plainDict),
  field('roles', 'list[str]', 'Roles of the app user.', { kind: 'list', item: 'str' }),
  createdAt, updatedAt,
];
export const appUserValue: ApiValue = { kind: 'dict', type: 'dict', fields: appUserFields };
/** A collection. */
export const collectionValue: ApiValue = { kind: 'dict', type: 'dict', fields: [
  field('id', 'str', 'Id of the collection.'),
  field('name', 'str', 'Name of the collection.'),
  field('webhook_url', 'str | None', 'URL called when documents change, or None.'),
  createdAt, updatedAt,
] };

/** Shape of an app user; the password is never returned. */
export const appUserShape = valueType(appUserValue);

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

// The current generation of the db API (the spec's §3 and §4): flat documents, pages, the query language in
// keyword filters, bulk writes, aggregation and user relationships. The runtime's side is
// runtime/cocobase/query/.

/** A document as the current API's reads return it: its own keys first, then its fields. */
export const flatDocumentValue: ApiValue = { kind: 'dict', type: 'dict', fields: [
  field('id', 'str', 'Id of the document.'),
  createdAt, updatedAt,
] };
/** A user as the current API's reads return it; the password is never returned. */
export const currentUserValue: ApiValue = { kind: 'dict', type: 'dict', fields: appUserFields.filter((f) => f !== updatedAt) };
const pageOf = (item: ApiValue): ApiValue => ({ kind: 'dict', type: 'dict', fields: [
  field('data', `list[${valueType(item)}]`, 'The records of this page.', { kind: 'list', item }),
  field('total', 'int', 'How many records match, on every page.'),
  field('has_more', 'bool', 'True when records follow this page (offset + len(data) < total).'),
  field('limit', 'int', 'The limit of the call.'),
  field('offset', 'int', 'The offset of the call.'),
] });
const relationshipResult: ApiValue = { kind: 'dict', type: 'dict', fields: [
  field('success', 'bool', 'False only when remove_user_relationship found nothing to remove.'),
  field('message', 'str', 'What happened.'),
  field('bidirectional', 'bool', 'Whether the reverse relationship was written too.'),
] };

const collectionNameParam = p('collection_name', 'str', 'Name of the collection.');
const populateParam = p('populate', 'list[str] | str | None', 'Relations to include: `X` follows `X_id` (or `X_ids`) to the collection plural(X), else X, else app users; `X.Y` nests, `X:appuser` / `X:<collection>` forces the target.', 'None');
const selectParam = p('select', 'list[str] | str | None', 'Paths (dotted allowed) to keep in each record; `id` is always kept.', 'None');
const sortParam = p('sort', 'str | None', 'Field to sort by (also id, created_at, updated_at); newest first when omitted.', 'None');
const orderParam = p('order', 'str', '"asc" or "desc" (any case); ignored without `sort`.', "'asc'");
const pageLimitParam = p('limit', 'int', 'Records per page (0 returns only the total).', '10');
const pageOffsetParam = p('offset', 'int', 'Records to skip.', '0');
const queryFiltersParam: ApiParam = { ...p('filters', 'dict | None', 'Filters in the query language (`{"status": "open", "price_gte": 10}`).', 'None'), queryFilters: true };
const userIdParam = p('user_id', 'str', 'Id of the app user.');
const filtersDoc = ' Keyword filters: `field=value`, `field_<op>=value` with op one of eq ne gt gte lt lte contains startswith endswith in notin isnull, `**{"[or]a": 1, "[or]b": 2}` for OR groups, `**{"topic.label": "x"}` across a relation.';
/** What each operator of the query language (`field_<op>=value`) tests, as completion and hover show it. */
export const queryOperatorDocs: Record<Operator, string> = {
  eq: 'Equal (the same as the plain `field=value`); a numeric string matches an equal number, "true"/"false" a boolean.',
  ne: 'Not equal; a missing field matches.',
  gt: 'Greater than: numerically when both sides are numbers, else as text (ISO dates work).',
  gte: 'Greater than or equal: numerically when both sides are numbers, else as text (ISO dates work).',
  lt: 'Less than: numerically when both sides are numbers, else as text (ISO dates work).',
  lte: 'Less than or equal: numerically when both sides are numbers, else as text (ISO dates work).',
  contains: 'Contains the text, case-insensitively.',
  startswith: 'Starts with the text, case-insensitively.',
  endswith: 'Ends with the text, case-insensitively.',
  in: 'One of the values: a list or a comma-separated string.',
  notin: 'None of the values: a list or a comma-separated string; a missing field matches.',
  isnull: 'True (or "true", "1"): missing or null; False (or "false", "0"): holds a value.',
};
/** A function of the current API that takes keyword filters. */
const withFilters = (f: ApiFunction): ApiFunction => ({ ...f, doc: f.doc + filtersDoc, extraKeywords: true, keywordsName: 'filters' });

const currentDbMembers: ApiFunction[] = [
  withFilters(fn('query', [collectionNameParam, populateParam, selectParam, sortParam, orderParam, pageLimitParam, pageOffsetParam],
    one(pageOf(flatDocumentValue)),
    'A page of flat documents matching the filters: {"data", "total", "has_more", "limit", "offset"}. A missing collection gives an empty page.',
    "page = db.query('posts', status='published', views_gte=100, populate=['author'], sort='views', order='desc', limit=20)")),
  withFilters(fn('find_one', [collectionNameParam, populateParam, selectParam], oneOrNone(flatDocumentValue),
    'The first matching document (newest first), or None.', "user = db.find_one('profiles', email='ann@example.com')")),
  withFilters(fn('query_users', [populateParam, selectParam, sortParam, orderParam, pageLimitParam, pageOffsetParam], one(pageOf(currentUserValue)),
    'A page of app users; keys name a column (id, email, created_at, roles) or a field of `data`.', "admins = db.query_users(roles='admin', limit=50)")),
  withFilters(fn('find_user', [populateParam, selectParam, p('auth_token', 'str | None', 'A sign-in token; resolves to its user.', 'None')], oneOrNone(currentUserValue),
    'The first matching app user, or None.', "user = db.find_user(email='ann@example.com')")),
  fn('aggregate_documents', [collectionParam, p('field', 'str', 'Field to aggregate.'), p('operation', 'str', '"sum", "avg", "min", "max" or "count".'), queryFiltersParam],
    one({ kind: 'dict', type: 'dict', fields: [field('value', 'int | float | None', 'The result; 0 (sum, count) or None (avg, min, max) without values.'), field('count', 'int', 'How many values were used.')] }),
    'Sum, average, minimum, maximum or count of a field over the matching documents; numeric strings count as numbers.',
    "total = db.aggregate_documents('orders', 'amount', 'sum', filters={'status': 'paid'})['value']"),
  fn('group_by_field', [collectionParam, p('field', 'str', 'Field to group by.'), queryFiltersParam],
    one({ kind: 'dict', type: 'dict', fields: [field('groups', 'list[dict]', 'Groups {"key", "count"}, count descending, then key; documents lacking the field under None.', listOf(plainDict))] }),
    'How many matching documents hold each value of a field.', "by_status = db.group_by_field('orders', 'status')['groups']"),
  fn('bulk_create_documents', [collectionParam, p('documents', 'list[dict]', 'The new documents\' fields.')],
    one({ kind: 'dict', type: 'dict', fields: [field('count', 'int', 'How many were created.'), field('data', 'list[dict]', 'The created flat documents.', listOf(flatDocumentValue))] }),
    'Creates documents in one call; creates the collection when missing.', "db.bulk_create_documents('tags', [{'name': 'a'}, {'name': 'b'}])"),
  fn('bulk_update_documents', [collectionParam, p('updates', 'list[dict]', 'Each {"id", ...fields}: the fields are merged into that document.')],
    one({ kind: 'dict', type: 'dict', fields: [field('count', 'int', 'How many were updated.'), field('failed', 'int', 'How many ids were not found.')] }),
    'Merges fields into several documents.', "db.bulk_update_documents('tasks', [{'id': task_id, 'done': True}])"),
  fn('bulk_delete_documents', [collectionParam, p('ids', 'list[str]', 'Ids of the documents to delete.')],
    one({ kind: 'dict', type: 'dict', fields: [field('count', 'int', 'How many were deleted (missing ids are not counted).')] }),
    'Deletes several documents.', "db.bulk_delete_documents('sessions', expired_ids)"),
  fn('add_user_relationship', [userIdParam, p('related_user_id', 'str', 'Id of the related app user.'), p('relationship_type', 'str', '"following", "followers", "friends", "members" or your own type.'),
    p('bidirectional', 'bool', 'Also record the reverse relationship.', 'False')], one(relationshipResult),
    '(A, B, "following"): A follows B. For "members", user_id is a group id (a team document\'s) and the related user a member. Already there: success is True.',
    "db.add_user_relationship(me, other, 'following')"),
  fn('remove_user_relationship', [userIdParam, p('related_user_id', 'str', 'Id of the related app user.'), p('relationship_type', 'str', 'Type of the relationship.'),
    p('bidirectional', 'bool', 'Also remove the reverse relationship.', 'False')], one(relationshipResult),
    'Removes a relationship; success is False when there was nothing to remove.', "db.remove_user_relationship(me, other, 'following')"),
  fn('get_user_relationships', [userIdParam, p('relationship_type', 'str', 'Type of the relationship ("followers" reads follows the other way).'), queryFiltersParam, populateParam, pageLimitParam, pageOffsetParam],
    one(pageOf(currentUserValue)), 'A page of the related app users, newest relationship first.', "followers = db.get_user_relationships(me, 'followers')['data']"),
  fn('get_user_collections', [userIdParam, collectionNameParam, queryFiltersParam, populateParam, selectParam, sortParam, orderParam, pageLimitParam, pageOffsetParam],
    one(pageOf(flatDocumentValue)), 'A page of the documents of a collection whose `user_id` is that user.', "orders = db.get_user_collections(user_id, 'orders', sort='created_at', order='desc')"),
  fn('list_app_users', [limitParam, p('offset', 'int', 'Number of users to skip.', '0')], one(listOf(appUserValue)),
    'App users of the project, oldest first (the same list as get_app_users).', 'users = db.list_app_users(limit=100)'),
];

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
    { ...fn('count_documents', [collectionParam, filtersParam], 'int',
      'Number of documents, optionally filtered: `filters` are the older equality filters, keyword filters use the query language (operators, OR groups); both combine with AND. 0 for a missing collection.',
      "active_count = db.count_documents('users', {'status': 'active'}, age_gte=18)"), extraKeywords: true, keywordsName: 'more' },
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
    ...currentDbMembers,
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
  // The current API (spec §5): the user is a dict of the user shape whose keys are also attributes.
  { kind: 'property', name: 'is_admin', type: 'bool', doc: 'True when "admin" is one of the roles.', example: 'if not request.user.is_admin: return {"error": "forbidden"}, 403' },
  ...dictMethods,
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
    // The current API (spec §5).
    { kind: 'property', name: 'payload', type: 'dict', doc: 'The request payload (the same dict as request.json()).', example: "email = req.payload.get('email')", value: plainDict },
    { kind: 'property', name: 'proj', type: 'str', doc: 'The project id (`project_id` of cloudfn.json, "local" by default).', example: 'req.proj' },
    fn('send_mail', [p('to', 'str | list[str]', 'Recipient address or addresses.'), p('subject', 'str', 'Subject line.'),
      p('body', 'str | None', 'Body text (or HTML); required unless template_id is given.', 'None'),
      p('template_id', 'str | None', 'Id of a mail template of the platform.', 'None'),
      p('context', 'dict | None', 'Values for the template.', 'None')], 'bool',
    'Sends a mail. Locally nothing is sent: the mail is recorded in the run\'s outbox. ValueError without a recipient, a subject, or a body or template_id.',
    "req.send_mail(to=user['email'], subject='Your code', body=f'Code: {code}')"),
  ],
};

/** Names the injected request object is bound to. */
export const requestNames = ['request', 'req'] as const;

// The current API's injected services (spec §6): render, env, config, email and http. The runtime's side is
// runtime/cocobase/sandbox/services.py; the project file (cloudfn.json) feeds env and config.

const contextParam = p('context', 'dict | None', 'Values the template sees.', 'None');
const statusParam = p('status_code', 'int', 'HTTP status of the response.', '200');
/** What render_html and render_template return: an HTML response (also awaitable, for the docs' `await` style). */
const htmlResponseValue: ApiValue = { kind: 'object', name: 'HtmlResponse', members: [
  { kind: 'property', name: 'body', type: 'str', doc: 'The rendered HTML.', example: 'page.body' },
  { kind: 'property', name: 'status_code', type: 'int', doc: 'HTTP status of the response.', example: 'page.status_code' },
  { kind: 'property', name: 'content_type', type: 'str', doc: '"text/html; charset=utf-8".', example: 'page.content_type' },
] };
const caseInsensitiveDict: ApiValue = { kind: 'dict', type: 'dict[str, str]' };
/** What the http methods return. */
const httpResponseValue: ApiValue = { kind: 'object', name: 'HttpResponse', members: [
  { kind: 'property', name: 'status_code', type: 'int', doc: 'HTTP status (4xx and 5xx are returned, not raised).', example: 'if response.status_code == 200: ...' },
  { kind: 'property', name: 'ok', type: 'bool', doc: 'True when the status is below 400.', example: 'if not response.ok: ...' },
  { kind: 'property', name: 'headers', type: 'dict[str, str]', doc: 'Response headers; lookups ignore case.', example: "response.headers.get('content-type')", value: caseInsensitiveDict },
  { kind: 'property', name: 'text', type: 'str', doc: 'The body as text.', example: 'response.text' },
  { kind: 'property', name: 'url', type: 'str', doc: 'The URL called, with its query parameters.', example: 'response.url' },
  fn('json', [], 'Any', 'The body parsed as JSON (ValueError when it is not JSON).', 'data = response.json()'),
] };
const sentValue = 'bool';

const renderObject: ApiObject = {
  name: 'render',
  doc: 'HTML rendering with Jinja2 semantics (autoescaping on). Templates may call `static(path)`.',
  members: [
    fn('render_html', [p('html_content', 'str', 'A Jinja2 template.'), contextParam, statusParam], one(htmlResponseValue),
      'Renders a template string into an HTML response; return it from main() to answer HTML. Awaitable.',
      "return render.render_html('<h1>Hello {{ name }}</h1>', {'name': user['email']})"),
    fn('render_template', [p('template_name', 'str', 'Path of a template under the project\'s templates/ folder.'), contextParam, statusParam],
      one(htmlResponseValue),
      'Renders a template of the project\'s templates/ folder into an HTML response (ValueError when it does not exist). Awaitable.',
      "return render.render_template('welcome.html', {'user': user})"),
    fn('render_string', [p('html_content', 'str', 'A Jinja2 template.'), contextParam], 'str',
      'Renders a template string into a str.', "body = render.render_string('Hi {{ name }}', {'name': name})"),
  ],
};

const envObject: ApiObject = {
  name: 'env',
  doc: 'Facts of the environment the function runs in.',
  members: [
    { kind: 'property', name: 'project_id', type: 'str', doc: 'The project id (`project_id` of cloudfn.json, "local" by default).', example: 'env.project_id' },
    { kind: 'property', name: 'runtime', type: 'str', doc: 'The cloud\'s runtime, "python3.10" (the local interpreter is newer).', example: 'env.runtime' },
    { kind: 'property', name: 'static_base_url', type: 'str', doc: 'Base URL of the project\'s static/ folder.', example: "f'{env.static_base_url}/logo.png'" },
  ],
};

const configObject: ApiObject = {
  name: 'config',
  doc: 'Project configuration: `config` of cloudfn.json and the git-ignored cloudfn.secrets.json beside it (its values win and are redacted in output, errors and logs).',
  members: [
    fn('get', [p('key', 'str', 'The key (case-sensitive).'), p('default', 'Any', 'Value when the key is missing.', 'None')], 'Any',
      'A configuration value, or `default`.', "api_key = config.get('STRIPE_KEY')"),
  ],
};

const emailObject: ApiObject = {
  name: 'email',
  doc: 'Mail sending. Locally nothing is sent: each mail is recorded in the run\'s outbox. The methods are awaitable and give True.',
  members: [
    fn('send_email', [p('recipients', 'str | list[str]', 'Recipient address or addresses.'), p('subject', 'str', 'Subject line.'), p('body', 'str', 'Body text or HTML.')],
      sentValue, 'Sends a mail.', "await email.send_email(['ann@example.com'], 'Hello', '<p>Hi</p>')"),
    fn('send_welcome_email', [p('to_email', 'str', 'Recipient.'), p('user_name', 'str', 'Name to greet.'), p('app_name', 'str', 'Name of the app.'), p('login_url', 'str', 'Where to sign in.')],
      sentValue, 'Sends the welcome mail (subject and body are composed from the arguments).', "await email.send_welcome_email(user['email'], 'Ann', 'Shop', 'https://shop.example.com/login')"),
    fn('send_password_reset_email', [p('to_email', 'str', 'Recipient.'), p('token', 'str', 'The reset token.'), p('reset_url_base', 'str | None', 'Base of the reset link; the token is appended.', 'None')],
      sentValue, 'Sends a password reset mail (subject and body are composed from the arguments).', "await email.send_password_reset_email(user['email'], token)"),
  ],
};

const httpParams = [
  p('url', 'str', 'The URL.'), p('json', 'Any', 'A body sent as JSON.', 'None'), p('data', 'dict | str | None', 'A form body (dict) or raw text.', 'None'),
  p('headers', 'dict | None', 'Request headers.', 'None'), p('params', 'dict | None', 'Query parameters added to the URL.', 'None'),
  p('timeout', 'float', 'Seconds to wait.', '10'),
];
const httpObject: ApiObject = {
  name: 'http',
  doc: 'Outgoing HTTP. Offline by default: answered from local mocks (`http_mocks` of cloudfn.json, `<function>.http.json`); real requests only when the run allows the network (`cloudfn run --allow-network`). A refused or failed call raises ConnectionError.',
  members: (['get', 'post', 'put', 'patch', 'delete'] as const).map((method) => fn(method, httpParams, one(httpResponseValue),
    `Sends a ${method.toUpperCase()} request; 4xx and 5xx responses are returned.`,
    method === 'get' ? "rates = http.get('https://api.example.com/rates', params={'base': 'EUR'}).json()"
      : `response = http.${method}('https://api.example.com/items', json={'name': 'x'})`)),
};

/** The injected services of the current API, by global name. */
export const serviceObjects: ApiObject[] = [renderObject, envObject, configObject, emailObject, httpObject];

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
  // The current API's decision (spec §2): getattr under the attribute rule of the code check.
  'getattr',
];
const extraTypes = ['frozenset', 'bytes', 'bytearray', 'complex', 'slice', 'object', 'super', 'property', 'staticmethod', 'classmethod'];
const extraExceptions = [
  'Exception', 'BaseException', 'ArithmeticError', 'AssertionError', 'AttributeError', 'LookupError', 'MemoryError',
  'NameError', 'NotImplementedError', 'OverflowError', 'RecursionError', 'RuntimeError', 'StopIteration',
  'TimeoutError', 'UnicodeError', 'ZeroDivisionError', 'ImportError', 'ModuleNotFoundError',
  'BaseExceptionGroup', 'ExceptionGroup', 'GeneratorExit', 'OSError', 'PermissionError', 'UnboundLocalError',
  'StopAsyncIteration', 'UnicodeDecodeError', 'UnicodeEncodeError', 'FloatingPointError',
  // What the current API's http calls raise when refused or failed.
  'ConnectionError',
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
  __import__: 'use an import statement (`import json`); the allowed modules are listed in the README',
  globals: 'access to the interpreter\'s namespaces is not allowed',
  locals: 'access to the interpreter\'s namespaces is not allowed',
  vars: 'access to the interpreter\'s namespaces is not allowed',
  dir: 'introspection is not allowed',
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
  /** What calling a member returns, where the model knows it (`datetime.now()` is a datetime). */
  calls?: Record<string, ApiValue>;
  /**
   * `class`: an injected class, not a module (`timedelta`: no `import timedelta`, as in CPython);
   * `submodule`: importable by its dotted name and reached as an attribute of its package, never a global
   * (`urllib.parse`). Absent: a module that is injected and importable.
   */
  kind?: 'class' | 'submodule';
}

/** A `datetime.datetime` value, as `datetime.now()` and the class's other constructors return it. */
const datetimeValue: ApiValue = { kind: 'object', name: 'datetime', members: [
  ...['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'fold'].map((name): ApiMember => (
    { kind: 'property', name, type: 'int', doc: `The ${name} of the date and time.`, example: `now.${name}` })),
  { kind: 'property', name: 'tzinfo', type: 'tzinfo | None', doc: 'The time zone, or None for a naive datetime.', example: 'now.tzinfo' },
  ...['min', 'max'].map((name): ApiMember => ({ kind: 'property', name, type: 'datetime', doc: `The ${name === 'min' ? 'earliest' : 'latest'} datetime.`, example: `datetime.${name}` })),
  { kind: 'property', name: 'resolution', type: 'timedelta', doc: 'The smallest difference between two datetimes.', example: 'datetime.resolution' },
  fn('isoformat', [p('sep', 'str', 'Between date and time.', "'T'"), p('timespec', 'str', "'auto', 'hours', 'minutes', 'seconds', 'milliseconds' or 'microseconds'.", "'auto'")],
    'str', 'ISO 8601 text, e.g. 2024-05-01T12:00:00.', 'stamp = now.isoformat()'),
  fn('strftime', [p('format', 'str', 'A strftime format, e.g. "%Y-%m-%d".')], 'str', 'The date and time formatted.', "day = now.strftime('%Y-%m-%d')"),
  fn('replace', ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo'].map((name) => p(name, name === 'tzinfo' ? 'tzinfo | None' : 'int', `A new ${name}.`, 'None')),
    'datetime', 'A copy with the given fields replaced.', 'midnight = now.replace(hour=0, minute=0)'),
  fn('astimezone', [p('tz', 'tzinfo | None', 'The target time zone.', 'None')], 'datetime', 'The same moment in another time zone.', 'now.astimezone(timezone.utc)'),
  ...([
    ['timestamp', 'float', 'Seconds since the Unix epoch.'], ['date', 'date', 'The date part.'], ['time', 'time', 'The time part.'],
    ['timetz', 'time', 'The time part with its time zone.'], ['weekday', 'int', 'Monday is 0, Sunday 6.'],
    ['isoweekday', 'int', 'Monday is 1, Sunday 7.'], ['isocalendar', 'tuple[int, int, int]', 'ISO year, week and weekday.'],
    ['ctime', 'str', 'Text like "Wed May  1 12:00:00 2024".'], ['toordinal', 'int', 'The proleptic Gregorian ordinal of the date.'],
    ['timetuple', 'struct_time', 'The date and time as a time.struct_time.'], ['utctimetuple', 'struct_time', 'The UTC time as a time.struct_time.'],
    ['utcoffset', 'timedelta | None', 'The offset from UTC, or None for a naive datetime.'], ['dst', 'timedelta | None', 'The daylight saving offset, or None.'],
    ['tzname', 'str | None', 'The time zone\'s name, or None.'],
  ] as const).map(([name, returns, doc]) => fn(name, [], returns, doc, `now.${name}()`)),
  // The class's constructors, reachable on a value too (as in CPython); their arguments are not described.
  ...['now', 'utcnow', 'today', 'fromisoformat', 'fromtimestamp', 'utcfromtimestamp', 'fromordinal', 'fromisocalendar',
    'strptime', 'combine'].map((name): ApiMember => ({ kind: 'property', name, type: 'Callable[..., datetime]', doc: `datetime.${name}(...)`, example: `datetime.${name}(...)` })),
] };

/** The seed's modules a cloud function may import (and that are injected already imported). */
const seedModules: ApiModule[] = [
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
    calls: Object.fromEntries(['now', 'utcnow', 'today', 'fromisoformat', 'fromtimestamp', 'utcfromtimestamp', 'fromordinal',
      'fromisocalendar', 'strptime', 'combine'].map((name) => [name, datetimeValue])),
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

// The current API's modules (spec §2): injected without import and importable, as read-only stand-ins
// exposing the public names below (runtime/cocobase/sandbox/standins_current.py). Names a module has only in
// newer Pythons (uuid7, z85encode...) are exposed when the runtime's Python has them.
const currentModules: ApiModule[] = [
  {
    name: 'timedelta', kind: 'class', doc: 'The `datetime.timedelta` class, injected without import (`timedelta(minutes=10)`).',
    members: ['days', 'seconds', 'microseconds', 'total_seconds', 'min', 'max', 'resolution'],
  },
  {
    name: 'time', doc: 'Time access and conversions (UTC). `time.sleep` counts against the time limit.',
    members: ['time', 'time_ns', 'monotonic', 'monotonic_ns', 'perf_counter', 'perf_counter_ns', 'process_time',
      'process_time_ns', 'sleep', 'gmtime', 'localtime', 'mktime', 'strftime', 'strptime', 'asctime', 'ctime',
      'struct_time', 'timezone', 'altzone', 'daylight', 'tzname'],
  },
  {
    name: 'secrets', doc: 'Secure random numbers and tokens (login codes, reset tokens).',
    members: ['token_bytes', 'token_hex', 'token_urlsafe', 'choice', 'randbelow', 'randbits', 'compare_digest',
      'SystemRandom', 'DEFAULT_ENTROPY'],
  },
  {
    name: 'uuid', doc: 'UUID objects and generators (`uuid.uuid4()`, `uuid.uuid5(uuid.NAMESPACE_URL, name)`).',
    members: ['UUID', 'uuid1', 'uuid3', 'uuid4', 'uuid5', 'uuid6', 'uuid7', 'uuid8', 'getnode', 'NAMESPACE_DNS',
      'NAMESPACE_URL', 'NAMESPACE_OID', 'NAMESPACE_X500', 'NIL', 'MAX', 'SafeUUID', 'RESERVED_NCS', 'RFC_4122',
      'RESERVED_MICROSOFT', 'RESERVED_FUTURE'],
  },
  {
    name: 'hashlib', doc: 'Hash functions (`hashlib.sha256(data).hexdigest()`); `pbkdf2_hmac` is provided in Python (the runtime has no OpenSSL).',
    members: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3_224', 'sha3_256', 'sha3_384', 'sha3_512',
      'shake_128', 'shake_256', 'blake2b', 'blake2s', 'new', 'pbkdf2_hmac', 'algorithms_available', 'algorithms_guaranteed'],
  },
  {
    name: 'base64', doc: 'Base16, Base32, Base64 and Base85 encodings of bytes.',
    members: ['b64encode', 'b64decode', 'standard_b64encode', 'standard_b64decode', 'urlsafe_b64encode',
      'urlsafe_b64decode', 'b32encode', 'b32decode', 'b32hexencode', 'b32hexdecode', 'b16encode', 'b16decode',
      'b85encode', 'b85decode', 'a85encode', 'a85decode', 'z85encode', 'z85decode', 'encodebytes', 'decodebytes'],
  },
  {
    name: 'string', doc: 'String constants and `Template` (`string.Formatter` is not available: it would bypass the format check).',
    members: ['ascii_letters', 'ascii_lowercase', 'ascii_uppercase', 'digits', 'hexdigits', 'octdigits', 'punctuation',
      'printable', 'whitespace', 'capwords', 'Template'],
  },
  {
    name: 'collections', doc: 'Container types: `Counter`, `defaultdict`, `OrderedDict`, `deque`, `namedtuple`, `ChainMap`...',
    members: ['namedtuple', 'deque', 'Counter', 'OrderedDict', 'defaultdict', 'ChainMap', 'UserDict', 'UserList', 'UserString'],
  },
  {
    name: 'random', doc: 'Pseudo-random numbers; each run starts from a fresh random seed (`random.seed(n)` makes that run repeatable).',
    members: ['random', 'randint', 'randrange', 'choice', 'choices', 'sample', 'shuffle', 'uniform', 'triangular',
      'gauss', 'normalvariate', 'lognormvariate', 'expovariate', 'vonmisesvariate', 'gammavariate', 'betavariate',
      'paretovariate', 'weibullvariate', 'binomialvariate', 'getrandbits', 'randbytes', 'seed', 'getstate',
      'setstate', 'Random', 'SystemRandom'],
  },
  {
    name: 'itertools', doc: 'Iterator building blocks.',
    members: ['accumulate', 'batched', 'chain', 'combinations', 'combinations_with_replacement', 'compress', 'count',
      'cycle', 'dropwhile', 'filterfalse', 'groupby', 'islice', 'pairwise', 'permutations', 'product', 'repeat',
      'starmap', 'takewhile', 'tee', 'zip_longest'],
  },
  {
    name: 'functools', doc: 'Higher-order functions: `reduce`, `partial`, `lru_cache`, `cache`, `wraps`...',
    members: ['reduce', 'partial', 'partialmethod', 'lru_cache', 'cache', 'cached_property', 'cmp_to_key',
      'total_ordering', 'singledispatch', 'singledispatchmethod', 'wraps', 'update_wrapper', 'WRAPPER_ASSIGNMENTS',
      'WRAPPER_UPDATES', 'Placeholder'],
  },
  {
    name: 'urllib', doc: 'Only `urllib.parse` (URL quoting and parsing); there is no `urllib.request`: use the `http` global.',
    members: ['parse'],
  },
  {
    name: 'urllib.parse', kind: 'submodule', doc: 'URL parsing and quoting (`quote`, `urlencode`, `urlparse`, `parse_qs`...).',
    members: ['quote', 'quote_plus', 'quote_from_bytes', 'unquote', 'unquote_plus', 'unquote_to_bytes', 'urlencode',
      'urlparse', 'urlunparse', 'urlsplit', 'urlunsplit', 'urljoin', 'urldefrag', 'parse_qs', 'parse_qsl',
      'ParseResult', 'SplitResult', 'DefragResult', 'ParseResultBytes', 'SplitResultBytes', 'DefragResultBytes'],
  },
];

/** Modules a cloud function may import (and that are injected already imported), and the injected classes. */
export const modules: ApiModule[] = [...seedModules, ...currentModules];

/** Names of the allowed modules (what an import may name; an injected class is not one). */
export const allowedModuleNames = modules.filter((m) => m.kind !== 'class').map((m) => m.name);

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
    modules: Object.fromEntries(modules.filter((m) => m.kind !== 'class').map((m) => [m.name, m.members])),
    /** Classes injected as globals without being modules (timedelta). */
    injectedClasses: modules.filter((m) => m.kind === 'class').map((m) => m.name),
    forbiddenAttributes,
    allowedDunderAttributes,
    forbiddenBuiltins,
    dbMethods: Object.fromEntries(dbObject.members.filter((m): m is ApiFunction => m.kind === 'function')
      .map((m) => [m.name, m.params.map((param) => ({ name: param.name, default: param.default ?? null }))])),
    /** db methods that take `**filters`: the name of that parameter. */
    dbKeywords: Object.fromEntries(dbObject.members.filter((m): m is ApiFunction => m.kind === 'function' && m.extraKeywords === true)
      .map((m) => [m.name, m.keywordsName ?? 'kwargs'])),
  };
}
