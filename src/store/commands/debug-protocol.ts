// DEBUG PROTOCOL <type>: one sample reply of each RESP type, as Redis answers it; client libraries
// (and Redis's own protocol tests) use it to check their RESP3 parsing of attributes, big numbers,
// booleans, verbatim strings and pushes against the server.

import type { Client } from '../client';
import { DEBUG_SUBCOMMANDS } from './debug';

const TYPES = 'string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false';

function debugProtocol(c: Client, argv: string[]): void {
  if (argv.length !== 3) return c.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try DEBUG HELP.`);
  const r = c.reply;
  const resp3 = r.resp === 3;
  switch (argv[2].toLowerCase()) {
    case 'string':
      return r.bulk('Hello World');
    case 'integer':
      return r.int(12345);
    case 'double':
      return r.double(3.141);
    case 'bignum':
      if (resp3) return r.rawStr('(1234567999999999999999999999999999999\r\n');
      return r.bulk('1234567999999999999999999999999999999');
    case 'null':
      return r.nil();
    case 'array':
    case 'set':
      if (argv[2].toLowerCase() === 'set') r.setLen(3);
      else r.arrayLen(3);
      for (let j = 0; j < 3; j++) r.int(j);
      return;
    case 'map':
      r.mapLen(3);
      for (let j = 0; j < 3; j++) {
        r.int(j);
        r.bool(j === 1);
      }
      return;
    case 'attrib':
      // An attribute is not a reply: a real one follows it (RESP2 gets only that).
      if (resp3) {
        r.rawStr('|1\r\n');
        r.bulk('key-popularity');
        r.arrayLen(2);
        r.bulk('key:123');
        r.int(90);
      }
      return r.bulk('Some real reply following the attribute');
    case 'push':
      if (!resp3) return r.error('ERR RESP2 is not supported by this command');
      r.pushLen(2);
      r.bulk('server-cpu-usage');
      r.int(42);
      return r.bulk('Some real reply following the push reply');
    case 'verbatim':
      return r.verbatim('This is a verbatim\nstring');
    case 'true':
      return r.bool(true);
    case 'false':
      return r.bool(false);
    default:
      return r.error(`ERR Wrong protocol type name. Please use one of the following: ${TYPES}`);
  }
}

DEBUG_SUBCOMMANDS.set('protocol', debugProtocol);
