// Types of the command table rows (src/resp/command-table.data.ts). The shape mirrors COMMAND INFO.

/** begin_search of a key spec: where the first key is. */
export interface BeginSearch {
  type: 'index' | 'keyword' | 'unknown';
  index?: number;
  keyword?: string;
  startfrom?: number;
}

/** find_keys of a key spec: how many keys follow and how they are spaced. */
export interface FindKeys {
  type: 'range' | 'keynum' | 'unknown';
  lastkey?: number;
  keystep?: number;
  limit?: number;
  keynumidx?: number;
  firstkey?: number;
}

/** One key spec of a command row (Redis 7 key specs), from which key positions are computed. */
export interface KeySpec {
  /** Free-text notes some key specs carry (COMMAND INFO prints them first). */
  notes?: string;
  flags: string[];
  bs: BeginSearch;
  fk: FindKeys;
}

/** One command or subcommand, as COMMAND INFO describes it. */
export interface CommandRow {
  /** Lower case; subcommands are "container|sub". */
  name: string;
  /** Redis arity: N exact, -N at least N (counting the command name). */
  arity: number;
  /** Flags as COMMAND INFO spells them: write, readonly, denyoom, admin, pubsub, ... */
  flags: string[];
  firstKey: number;
  lastKey: number;
  step: number;
  /** ACL categories ("@read", ...). */
  acl: string[];
  /** Command tips ("nondeterministic_output", "request_policy:...", ...). */
  tips: string[];
  keySpecs: KeySpec[];
  subcommands?: CommandRow[];
  /** COMMAND DOCS fields (summary, since, group, complexity, arguments, ...). */
  doc?: Record<string, unknown>;
}
