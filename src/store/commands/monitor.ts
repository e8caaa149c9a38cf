// MONITOR: the client receives every command the server runs, formatted by Server.feedMonitors
// ("+<unix time>.<usec> [<db> <addr>] "<arg>" ..."). Replicas cannot be monitors, as in Redis.

import { register } from '../registry';

register({
  monitor(c, _argv, s) {
    // A replica link asking for MONITOR is ignored; a second MONITOR is a no-op.
    if (c.isReplica || c.monitor) return;
    c.monitor = true;
    s.monitors.add(c);
    c.reply.ok();
  },
});
