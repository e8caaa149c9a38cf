// Proxy-wide counters, reported in the `# Proxy` section of INFO. Kept as plain numbers in one object
// so the hot path only increments a field.

/** The counters, incremented where things happen and read by proxySection (local.ts). */
export const stats = {
  connectionsTotal: 0,
  connectionsCurrent: 0,
  connectionsRejected: 0,
  commandsMaster: 0,
  commandsReplica: 0,
  commandsLocal: 0,
  /** Reads re-sent to another backend after theirs failed (each read of a pipelined run counts). */
  readFailovers: 0,
  /** Reads answered CLUSTERDOWN: no backend could serve them. */
  readsNoBackend: 0,
  /** Reads answered with an error after stalling backends (Slot.stalls). */
  readsStalled: 0,
  /** Writes refused at once because the master was down. */
  masterDownRejects: 0,
  /** Replies that were errors made by the proxy because a backend connection was lost. */
  backendLostReplies: 0,
  /** Backends changing between serving and not serving. */
  healthTransitions: 0,
  /** Backend connections that failed (errors, timeouts, closes). */
  backendConnFailures: 0,
  protocolErrors: 0,
  /** Clients closed for exceeding the output limit. */
  outputLimitCloses: 0,
  /** Clients closed for a request past client-query-buffer-limit. */
  queryBufferLimitCloses: 0,
  /** What the proxy held for the last client closed at the output limit (unsent plus unwritten replies). */
  outputLimitLastBytes: 0,
};

/** The type of the counters object. */
export type ProxyStats = typeof stats;
