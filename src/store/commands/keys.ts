// Generic key commands (db.c, expire.c): existence, deletion, type, expiry, iteration, copying.

import { register } from '../registry';

register({
  del(c, argv) {
    let n = 0;
    for (let i = 1; i < argv.length; i++) if (c.db.delete(argv[i])) n++;
    c.reply.int(n);
  },
  exists(c, argv) {
    let n = 0;
    for (let i = 1; i < argv.length; i++) if (c.db.get(argv[i]) !== undefined) n++;
    c.reply.int(n);
  },
});
