// Cloud Code of bench/parse.ts.
Parse.Cloud.define('hello', () => 'Hello world!');

Parse.Cloud.define('saveMany', async (request) => {
  const count = request.params.count || 1000;
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < count; i++) await new Parse.Object('BenchItem').save({ i, name: `item ${i}` });
  const used = process.cpuUsage(cpu);
  return { count, ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
});

// 10,000 objects, every other one readable only by the given user (the ACL find of bench/parse.ts).
Parse.Cloud.define('seedPrivate', async (request) => {
  const owner = request.params.userId;
  for (let i = 0; i < 10000; i++) {
    const item = new Parse.Object('BenchPrivate');
    const acl = new Parse.ACL();
    if (i % 2 === 0) { acl.setReadAccess(owner, true); acl.setWriteAccess(owner, true); } else acl.setPublicReadAccess(false);
    item.setACL(acl);
    item.set('i', i);
    await item.save(null, { useMasterKey: true });
  }
  return 10000;
});
