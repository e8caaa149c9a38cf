// Cluster commands on a server that is not a cluster node: Redis answers every one (CLUSTER's
// subcommands once their name and arity are checked, READONLY, READWRITE, ASKING) with the same
// error, and clients use it to tell a standalone server from a cluster. Without these handlers they
// got "unknown command", which some clients take for an old server.

import { register, type Handler } from '../registry';

const disabled: Handler = (c) => c.reply.error('ERR This instance has cluster support disabled');

register({ cluster: disabled, readonly: disabled, readwrite: disabled, asking: disabled });
