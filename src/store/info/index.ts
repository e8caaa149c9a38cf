// INFO [section ...]: which sections to print (Redis 7.0's "default", "all", "everything" rules) and
// the order they are printed in. Each section's fields come from a small builder in this folder, or
// from a provider a feature registered in server.infoSections (persistence, replication), which
// takes precedence over the built-in default.

import type { Server } from '../server';
import { renderSection, type Fields } from './format';
import { serverSection } from './server';
import { clientsSection } from './clients';
import { memorySection } from './memory';
import { defaultPersistenceSection } from './persistence';
import { statsSection } from './stats';
import { defaultReplicationSection } from './replication';
import { cpuSection } from './cpu';
import { keyspaceSection } from './keyspace';
import { commandstatsSection, errorstatsSection, latencystatsSection } from './cmdstats';
import { metricsOf } from './metrics';
import { SERVER_INIT_HOOKS } from '../registry';

interface SectionDef {
  name: string;
  title: string;
  build: (s: Server) => Fields;
  /** Printed by INFO without arguments and by INFO default. */
  isDefault: boolean;
}

/** Every section, in Redis's print order. */
const SECTIONS: SectionDef[] = [
  { name: 'server', title: 'Server', build: serverSection, isDefault: true },
  { name: 'clients', title: 'Clients', build: clientsSection, isDefault: true },
  { name: 'memory', title: 'Memory', build: memorySection, isDefault: true },
  { name: 'persistence', title: 'Persistence', build: defaultPersistenceSection, isDefault: true },
  { name: 'stats', title: 'Stats', build: statsSection, isDefault: true },
  { name: 'replication', title: 'Replication', build: defaultReplicationSection, isDefault: true },
  { name: 'cpu', title: 'CPU', build: cpuSection, isDefault: true },
  { name: 'modules', title: 'Modules', build: () => [], isDefault: true },
  { name: 'commandstats', title: 'Commandstats', build: commandstatsSection, isDefault: false },
  { name: 'errorstats', title: 'Errorstats', build: errorstatsSection, isDefault: true },
  { name: 'latencystats', title: 'Latencystats', build: latencystatsSection, isDefault: false },
  { name: 'cluster', title: 'Cluster', build: () => [['cluster_enabled', 0]], isDefault: true },
  { name: 'keyspace', title: 'Keyspace', build: keyspaceSection, isDefault: true },
];

/** Builds the INFO text for the requested section arguments (argv after "INFO"). */
export function genInfo(s: Server, args: string[]): string {
  const wanted = new Set<string>();
  let all = false;
  for (const a of args) {
    const l = a.toLowerCase();
    if (l === 'default') {
      for (const d of SECTIONS) if (d.isDefault) wanted.add(d.name);
    } else if (l === 'all' || l === 'everything') all = true;
    else wanted.add(l === 'module_list' ? 'modules' : l);
  }
  if (!args.length) for (const d of SECTIONS) if (d.isDefault) wanted.add(d.name);
  const parts: string[] = [];
  for (const d of SECTIONS) {
    if (!all && !wanted.has(d.name)) continue;
    const provider = s.infoSections.get(d.name);
    parts.push(renderSection(d.title, provider ? provider() : d.build(s)));
  }
  return parts.join('\r\n');
}

// Sample the instantaneous metrics from every server's cron.
SERVER_INIT_HOOKS.push((s) => {
  const m = metricsOf(s);
  s.cronHooks.push(() => m.tick(s));
});
