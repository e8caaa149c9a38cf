// INFO "# CPU": process CPU time from the OS (the store is single-threaded, so the main thread's
// figures are the process's).

import type { Fields } from './format';
import { cpuSeconds } from './format';

/** The "# CPU" fields from process.cpuUsage(). */
export function cpuSection(): Fields {
  const u = process.cpuUsage();
  return [
    ['used_cpu_sys', cpuSeconds(u.system)],
    ['used_cpu_user', cpuSeconds(u.user)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', cpuSeconds(u.system)],
    ['used_cpu_user_main_thread', cpuSeconds(u.user)],
  ];
}
