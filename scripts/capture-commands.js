// Captures COMMAND INFO and COMMAND DOCS from a real redis-server into test/fixtures (run by hand).
const Redis = require('ioredis');
const fs = require('fs');
(async () => {
  const port = Number(process.argv[2] || 6379);
  const r = new Redis({ port, host: '127.0.0.1' });
  const info = await r.call('COMMAND');
  const docs = await r.call('COMMAND', 'DOCS');
  const ver = (await r.info('server')).match(/redis_version:(\S+)/)[1];
  fs.writeFileSync('test/fixtures/redis-command-info.json', JSON.stringify({ version: ver, commands: info }, null, 0));
  fs.writeFileSync('test/fixtures/redis-command-docs.json', JSON.stringify({ version: ver, docs }, null, 0));
  r.disconnect();
})();
