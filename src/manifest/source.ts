/**
 * Reads a manifest's text as YAML 1.2 (JSON is a subset) and keeps the source
 * positions, so that every later finding can point at its line and column.
 *
 * The work is linear in the size of the text whatever its shape: nesting is limited
 * while the text is read, before the parser's recursive stages run; duplicate keys are
 * found with one index per mapping; aliases are expanded once, within limits, so that
 * nothing later resolves them again; and members are found through per-mapping indexes.
 */
import {
  Composer,
  CST,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  Parser,
  type Alias,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { clip, type MemberPath } from './problems.js';

export interface Position {
  line: number;
  column: number;
}

/** Where a located member is: offsets of its key's text and of its value's, [start, end). */
export interface Location {
  key: readonly [number, number];
  value: readonly [number, number];
  /** The value's source text, for scalars; used to point inside a string. */
  source?: string;
}

export interface SourceError {
  /** Offsets of the text the error is about, [start, end). */
  range: readonly [number, number];
  message: string;
}

export interface ParsedSource {
  /** The document as plain data, or undefined when it could not be read. */
  value: unknown;
  /**
   * Why the document could not be read. After a syntax error only the first error is
   * kept (the parser's further errors mostly follow from it); otherwise each problem
   * with the document's keys and aliases is one error.
   */
  errors: SourceError[];
  /** The nearest located member on `path`: the member itself when it exists. */
  locate(path: MemberPath): { location: Location; found: boolean };
  position(offset: number): Position;
}

/** Deepest nesting of mappings and lists, also through aliases. */
export const MAX_DEPTH = 100;
/** Most aliases (`*name`) in a manifest. */
export const MAX_ALIASES = 100;
/** Most values that aliases may repeat, in all. */
export const MAX_ALIASED_VALUES = 10_000;
/** The parser's own limit on alias expansion. */
const MAX_ALIAS_COUNT = 100;

/** Longest key or anchor name quoted in a message. */
const QUOTED = 60;

type Ranged = { range?: readonly [number, number, number?] | null };

function rangeOf(node: Ranged | null | undefined): readonly [number, number] {
  const [start = 0, end = start] = node?.range ?? [];
  return [start, end];
}

/** The key a scalar key becomes in the plain object, as the parser's toJS makes it. */
function keyString(key: { value: unknown }): string {
  return key.value === null || key.value === undefined ? '' : String(key.value);
}

/**
 * Lexes and parses the text into the parser's concrete syntax tree, refusing nesting
 * deeper than MAX_DEPTH and more than MAX_ALIASES aliases as soon as they are reached:
 * the stages after this one recurse, and resolve each alias by a search.
 */
function readTokens(
  text: string,
  lineCounter: LineCounter,
): { tokens: CST.Token[]; error?: SourceError } {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  const tokens: CST.Token[] = [];
  let aliases = 0;
  // The lexeme after a SCALAR mark is a scalar's text, whatever its first character.
  let scalar = false;
  for (const lexeme of new Lexer().lex(text)) {
    const offset = parser.offset;
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > MAX_DEPTH && nesting(parser.stack) > MAX_DEPTH) {
      const message = `the manifest nests mappings and lists deeper than ${MAX_DEPTH} levels here`;
      return { tokens, error: { range: [offset, offset], message } };
    }
    if (!scalar && lexeme.startsWith('*') && ++aliases > MAX_ALIASES) {
      const message = `more than ${MAX_ALIASES} aliases; a manifest may use at most ${MAX_ALIASES}`;
      return { tokens, error: { range: [offset, offset + lexeme.length], message } };
    }
    scalar = lexeme === CST.SCALAR;
  }
  for (const token of parser.end()) tokens.push(token);
  return { tokens };
}

/**
 * Runs `read` with process.env replaced by a plain copy of itself. The YAML parser looks
 * up process.env.LOG_TOKENS for every lexeme it reads, and a lookup in the real
 * process.env costs about ten times one in a plain object: a quarter of the parser's
 * time on a large manifest. Nothing else runs meanwhile, and the real one is put back.
 */
function withPlainEnv<T>(read: () => T): T {
  const env = process.env;
  process.env = { ...env };
  try {
    return read();
  } finally {
    process.env = env;
  }
}

function nesting(stack: readonly CST.Token[]): number {
  let depth = 0;
  for (const token of stack) if (CST.isCollection(token)) depth++;
  return depth;
}

interface Extent {
  /** Levels of mappings and lists, 0 for a scalar. */
  height: number;
  /** Nodes, with aliases expanded. */
  size: number;
}

/**
 * Checks the keys of every mapping (plain scalars, each once) and replaces every alias
 * by a copy of the value it refers to, within MAX_ALIASED_VALUES and
 * MAX_DEPTH. One pass in document order, so an alias finds the last anchor before it.
 */
function inspect(
  doc: Document.Parsed,
  position: (offset: number) => Position,
  keyIndexes: WeakMap<YAMLMap, Map<string, Pair>>,
): SourceError[] {
  const errors: SourceError[] = [];
  const anchors = new Map<string, Node>();
  const extents = new WeakMap<Node, Extent>();
  const open = new Set<Node>();
  let repeated = 0;
  let limited = false;

  const aliasError = (alias: Alias, message: string) => {
    errors.push({ range: rangeOf(alias), message });
    return undefined;
  };

  /** The copy that replaces `alias`, or undefined after an error. */
  const expand = (alias: Alias, depth: number): { node: Node; extent: Extent } | undefined => {
    const name = `'*${clip(alias.source, QUOTED)}'`;
    const target = anchors.get(alias.source);
    if (!target) {
      return aliasError(alias, `alias ${name} refers to no anchor set before it`);
    }
    if (open.has(target)) {
      return aliasError(alias, `alias ${name} is inside the value it refers to`);
    }
    // The limit is reported once: every later alias is over it too.
    if (limited) return undefined;
    const extent = extents.get(target) ?? { height: 0, size: 1 };
    repeated += extent.size;
    if (repeated > MAX_ALIASED_VALUES) {
      limited = true;
      return aliasError(
        alias,
        `aliases repeat more than ${MAX_ALIASED_VALUES} values by here; a manifest may repeat at most ${MAX_ALIASED_VALUES} through aliases`,
      );
    }
    if (depth + extent.height > MAX_DEPTH) {
      return aliasError(
        alias,
        `through alias ${name}, the manifest nests mappings and lists deeper than ${MAX_DEPTH} levels`,
      );
    }
    return { node: target.clone() as Node, extent };
  };

  const checkKeys = (map: YAMLMap) => {
    const seen = new Map<string, Pair>();
    for (const pair of map.items as Pair[]) {
      const key = pair.key as Node | null;
      if (key === null || isScalar(key)) {
        const name = key ? keyString(key) : '';
        const first = seen.get(name);
        if (first === undefined) {
          seen.set(name, pair);
          continue;
        }
        const at = position(rangeOf((first.key ?? first.value) as Node)[0]);
        errors.push({
          range: rangeOf(key ?? (pair.value as Node)),
          message: `duplicate key '${clip(name, QUOTED)}': it is already set at line ${at.line}, column ${at.column}`,
        });
      } else {
        const found = isAlias(key) ? 'an alias' : isMap(key) ? 'a mapping' : 'a list';
        errors.push({
          range: rangeOf(key),
          message: `a key must be a plain name; found ${found}`,
        });
      }
    }
    keyIndexes.set(map, seen);
  };

  /** Visits a node in document order; returns its extent once aliases in it are expanded. */
  const visit = (node: Node, depth: number): Extent => {
    if (node.anchor) anchors.set(node.anchor, node);
    if (!isCollection(node)) return { height: 0, size: 1 };
    if (isMap(node)) checkKeys(node);
    open.add(node);
    let height = 0;
    let size = 1;
    const child = (value: unknown, replace: (copy: Node) => void) => {
      if (isAlias(value)) {
        const copy = expand(value, depth);
        if (copy) replace(copy.node);
        height = Math.max(height, copy?.extent.height ?? 0);
        size += copy?.extent.size ?? 1;
      } else if (value && typeof value === 'object' && 'range' in value) {
        const extent = visit(value as Node, depth + 1);
        height = Math.max(height, extent.height);
        size += extent.size;
      }
    };
    node.items.forEach((item, i) => {
      if (isPair(item)) {
        const pair = item as Pair<unknown, unknown>;
        // Keys that are not scalars are refused above; an anchor on a scalar key counts.
        if (isScalar(pair.key) && pair.key.anchor) anchors.set(pair.key.anchor, pair.key);
        child(pair.value, (copy) => (pair.value = copy));
      } else {
        child(item, (copy) => (node.items[i] = copy as never));
      }
    });
    open.delete(node);
    const extent = { height: height + 1, size };
    extents.set(node, extent);
    return extent;
  };

  if (doc.contents) {
    const root = doc.contents as Node;
    if (isAlias(root)) expand(root, 0);
    else visit(root, 1);
  }
  return errors;
}

export function parseSource(text: string): ParsedSource {
  const lineCounter = new LineCounter();
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const start: Location = { key: [0, 0], value: [0, 0] };
  const unread = (errors: SourceError[]): ParsedSource => ({
    value: undefined,
    errors,
    locate: () => ({ location: start, found: false }),
    position,
  });

  const read = withPlainEnv(() => readTokens(text, lineCounter));
  if (read.error) return unread([read.error]);
  const composer = new Composer({ version: '1.2', uniqueKeys: false });
  const docs = Array.from(composer.compose(read.tokens));
  // The syntax tree is not needed any more: let it go before the next stages.
  read.tokens.length = 0;
  const syntax: SourceError[] = [];
  for (const d of docs) {
    // The parser's warnings (an unknown tag, say) would change what is sent: errors here.
    for (const e of [...d.errors, ...d.warnings]) {
      syntax.push({ range: [e.pos[0], e.pos[1]], message: clip(e.message, 300) });
    }
  }
  if (docs.length > 1) {
    const [from, to] = rangeOf(docs[1]!);
    syntax.push({
      range: [from, to],
      message: 'a manifest holds one YAML document; found another one here',
    });
  }
  if (syntax.length > 0) return unread(syntax.slice(0, 1));
  const doc = docs[0];
  if (!doc) return { ...unread([]), value: null };

  const keyIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();
  const errors = inspect(doc, position, keyIndexes);
  if (errors.length > 0) return unread(errors);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    return unread([{ range: [0, 0], message: clip((e as Error).message, 300) }]);
  }

  /** The map's pairs by key: from the check of its keys, or built for a copy made for an alias. */
  const keyIndex = (map: YAMLMap): Map<string, Pair> => {
    let index = keyIndexes.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items as Pair[]) {
        if (isScalar(pair.key)) index.set(keyString(pair.key), pair);
      }
      keyIndexes.set(map, index);
    }
    return index;
  };

  const contents = (doc.contents ?? null) as Node | null;
  const locate = (path: MemberPath) => {
    let node: Node | null = contents;
    let location = contents ? nodeLocation(contents, undefined) : start;
    for (const segment of path) {
      let next: Node | undefined;
      let keyNode: Node | undefined;
      if (isMap(node)) {
        const pair = keyIndex(node).get(String(segment));
        if (pair) {
          keyNode = pair.key as Node;
          next = (pair.value ?? undefined) as Node | undefined;
          if (!next) return { location: nodeLocation(keyNode, keyNode), found: true };
        }
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment] as Node | undefined;
      }
      if (!next) return { location, found: false };
      node = next;
      location = nodeLocation(next, keyNode);
    }
    return { location, found: true };
  };

  function nodeLocation(node: Node, key: Node | undefined): Location {
    const value = rangeOf(node);
    const loc: Location = { key: key ? rangeOf(key) : value, value };
    if (isScalar(node) && node.range) loc.source = text.slice(value[0], value[1]);
    return loc;
  }

  return { value, errors: [], locate, position };
}
