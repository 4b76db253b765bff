// Ordered queries (runtime/parse/classes.ts): SQLite orders and the read stops at skip + limit, through an
// index on the first key made on first use. The oracle is the JavaScript sort every object went through
// before (`sortRecords`, whose order the peer suite checked against parse-server): the same objects, in the
// same order, for every order, skip and limit, over numbers, strings, booleans, Dates, missing values and ties;
// a key holding objects falls back to that sort.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tempDir } from '../helpers';
import { Store } from '../../runtime/store/store';
import { ParseClasses } from '../../runtime/parse/classes';
import { matchesWhere, sortRecords } from '../../runtime/parse/query';
import type { Json } from '../../runtime/parse/rest';

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

test('an order SQLite gives is the order the JavaScript sort gives, with skip and limit', async () => {
  const store = await Store.open(path.join(tempDir(), 'order.db'));
  try {
    const classes = new ParseClasses(store);
    const next = random(7);
    const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]!;
    for (let i = 0; i < 300; i++) {
      const body: Json = { i };
      if (next() < 0.8) body.n = pick([1, 2, 2.5, -3, 10, 100, 0]);
      if (next() < 0.8) body.s = pick(['a', 'B', 'b', 'ab', '', 'é', 'z']);
      if (next() < 0.8) body.flag = next() < 0.5;
      if (next() < 0.8) body.when = { __type: 'Date', iso: `2020-0${1 + Math.floor(next() * 9)}-01T00:00:00.000Z` };
      if (next() < 0.3) body.ACL = { '*': { read: next() < 0.5 } };
      classes.create('Ordered', body);
    }
    classes.flush();
    const all = classes.all('Ordered');
    const orders = ['n', '-n', 's,-n', '-s,flag', 'flag,-when', '-when,n,s', 'createdAt', '-updatedAt', 'objectId', '-i'];
    const wheres: Json[] = [{}, { n: { $gte: 2 } }, { flag: true }];
    for (const order of orders) {
      for (const where of wheres) {
        for (const [skip, limit] of [[0, 10], [5, 7], [0, 1000], [290, 20]] as const) {
          for (const readableBy of [undefined, ['*']]) {
            const readable = all.filter((record) => !readableBy || !record.ACL || (record.ACL as Record<string, { read?: boolean }>)['*']?.read === true);
            const expected = readable.filter((record) => matchesWhere(record, where));
            sortRecords(expected, order);
            const found = classes.find('Ordered', { where, order, skip, limit, readableBy }).results;
            assert.deepEqual(found.map((record) => record.i), expected.slice(skip, skip + limit).map((record) => record.i), `order=${order} where=${JSON.stringify(where)} skip=${skip} limit=${limit}`);
            const counted = classes.find('Ordered', { where, order, skip, limit, readableBy, count: true });
            assert.deepEqual([counted.count, counted.results.map((record) => record.i)], [expected.length, found.map((record) => record.i)]);
          }
        }
      }
    }
    const indexes = store.rows("SELECT name FROM sqlite_master WHERE type = 'index' AND name GLOB 'parse_order_*'");
    assert.equal(indexes.length, new Set(orders.map((order) => order.split(',')[0]!.replace('-', ''))).size, 'one index per first key');
  } finally {
    store.close();
  }
});

test('a key holding objects, or a dotted key, is sorted in JavaScript', async () => {
  const store = await Store.open(path.join(tempDir(), 'order-objects.db'));
  try {
    const classes = new ParseClasses(store);
    for (const [i, tag] of [[1, { b: 2 }], [2, { b: 1 }], [3, { a: 'z' }], [4, undefined]] as const) classes.create('Tagged', tag ? { i, tag } : { i });
    classes.flush();
    for (const order of ['tag', '-tag', 'tag.b', '-tag.b']) {
      const expected = classes.all('Tagged');
      sortRecords(expected, order);
      assert.deepEqual(classes.find('Tagged', { order, limit: 2 }).results.map((record) => record.i), expected.slice(0, 2).map((record) => record.i), order);
    }
  } finally {
    store.close();
  }
});
