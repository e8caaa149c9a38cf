// Directives redis-server 7.0.15 accepts (its CONFIG GET * names, plus user, loadmodule and the
// deprecated config-file-only list-max-ziplist-entries/-value and lua-replicate-commands) that
// resplit-server does not implement: a config file naming them still loads, with a warning that they
// have no effect. Generated from a real redis-server 7.0.15; anything else is a bad directive, as in Redis.

/** Redis 7.0 directives without effect here. */
export const REDIS_ONLY_DIRECTIVES: ReadonlySet<string> = new Set([
  'list-max-ziplist-entries', 'list-max-ziplist-value', 'lua-replicate-commands',
  'acl-pubsub-default', 'aclfile', 'active-defrag-cycle-max', 'active-defrag-cycle-min',
  'active-defrag-ignore-bytes', 'active-defrag-max-scan-fields', 'active-defrag-threshold-lower',
  'active-defrag-threshold-upper', 'active-expire-effort', 'activedefrag', 'aof-disable-auto-gc',
  'aof-load-truncated', 'aof-rewrite-incremental-fsync', 'aof-timestamp-enabled',
  'aof-use-rdb-preamble', 'aof_rewrite_cpulist', 'auto-aof-rewrite-min-size',
  'auto-aof-rewrite-percentage', 'bgsave_cpulist', 'bind-source-addr', 'bio_cpulist',
  'cluster-allow-pubsubshard-when-down', 'cluster-allow-reads-when-down',
  'cluster-allow-replica-migration', 'cluster-announce-bus-port', 'cluster-announce-hostname',
  'cluster-announce-ip', 'cluster-announce-port', 'cluster-announce-tls-port',
  'cluster-config-file', 'cluster-enabled', 'cluster-link-sendbuf-limit',
  'cluster-migration-barrier', 'cluster-node-timeout', 'cluster-port',
  'cluster-preferred-endpoint-type', 'cluster-replica-no-failover',
  'cluster-replica-validity-factor', 'cluster-require-full-coverage', 'cluster-slave-no-failover',
  'cluster-slave-validity-factor', 'crash-log-enabled', 'crash-memcheck-enabled', 'disable-thp',
  'enable-module-command', 'ignore-warnings', 'io-threads-do-reads', 'jemalloc-bg-thread',
  'latency-tracking-info-percentiles', 'lazyfree-lazy-user-flush', 'loadmodule',
  'no-appendfsync-on-rewrite', 'oom-score-adj', 'oom-score-adj-values',
  'rdb-save-incremental-fsync', 'replica-ignore-disk-write-errors',
  'replica-ignore-maxmemory', 'server_cpulist',
  'slave-ignore-maxmemory', 'socket-mark-id', 'syslog-facility',
  'syslog-ident', 'tls-auth-clients', 'tls-ca-cert-dir', 'tls-ca-cert-file', 'tls-cert-file',
  'tls-ciphers', 'tls-ciphersuites', 'tls-client-cert-file', 'tls-client-key-file',
  'tls-client-key-file-pass', 'tls-cluster', 'tls-dh-params-file', 'tls-key-file',
  'tls-key-file-pass', 'tls-port', 'tls-prefer-server-ciphers', 'tls-protocols', 'tls-replication',
  'tls-session-cache-size', 'tls-session-cache-timeout', 'tls-session-caching',
  'tracking-table-max-keys', 'unixsocketperm', 'user',
]);
