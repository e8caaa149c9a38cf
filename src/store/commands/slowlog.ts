// SLOWLOG GET [count] / LEN / RESET / HELP. Entries are recorded by the dispatcher (Server.slowlogPush)
// for commands slower than slowlog-log-slower-than microseconds.

import { register } from '../registry';
import { parseInteger } from './args';
import { HELP } from './help-texts';
import { helpReply } from './help';

register({
  'slowlog|get'(c, argv, s) {
    let count = 10;
    if (argv.length === 3) {
      const n = parseInteger(argv[2]);
      if (n === null || n < -1) return c.reply.error('ERR count should be greater than or equal to -1');
      count = n === -1 ? s.slowlog.length : n;
    } else if (argv.length > 3) return c.reply.error('ERR count should be greater than or equal to -1');
    const entries = s.slowlog.slice(0, count);
    c.reply.arrayLen(entries.length);
    for (const e of entries) {
      c.reply.arrayLen(6);
      c.reply.int(e.id);
      c.reply.int(e.time);
      c.reply.int(e.usec);
      c.reply.bulks(e.argv);
      c.reply.bulk(e.addr);
      c.reply.bulk(e.name);
    }
  },
  'slowlog|len'(c, _argv, s) {
    c.reply.int(s.slowlog.length);
  },
  'slowlog|reset'(c, _argv, s) {
    s.slowlog = [];
    c.reply.ok();
  },
  'slowlog|help'(c) {
    helpReply(c, HELP.slowlog);
  },
});
