// Lazily created component loggers: modules are imported before main() configures logging, so a
// logger made at import time would be a child of the unconfigured (silent) root.

import type pino from 'pino';
import { logger } from '../common/log';

/** Returns a function giving the component's logger, created on first use. */
export function lazyLogger(component: string): () => pino.Logger {
  let l: pino.Logger | null = null;
  return () => (l ??= logger(component));
}
