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
