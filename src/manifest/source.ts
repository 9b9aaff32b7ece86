/**
 * Reads a manifest's text as YAML 1.2 (JSON is a subset) and keeps the source
 * positions, so that every later finding can point at its line and column.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node,
} from 'yaml';
import type { MemberPath } from './problems.js';

export interface Position {
  line: number;
  column: number;
}

/** Where a located member is: its key's span, its value's, and the value's raw text. */
export interface Location {
  key: Position;
  keyEnd: Position;
  value: Position;
  valueEnd: Position;
  /** The value's source text, for scalars; used to point inside a string. */
  source?: string;
  /** Offset of `source` in the file. */
  offset?: number;
}

export interface SourceError {
  position: Position;
  message: string;
}

export interface ParsedSource {
  /** The document as plain data, or undefined when it could not be read. */
  value: unknown;
  errors: SourceError[];
  /** The nearest located member on `path`: the member itself when it exists. */
  locate(path: MemberPath): { location: Location; found: boolean };
  position(offset: number): Position;
}

const MAX_ALIAS_COUNT = 100;

export function parseSource(text: string): ParsedSource {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    version: '1.2',
  });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const errors: SourceError[] = [];
  const start: Location = {
    key: position(0),
    keyEnd: position(0),
    value: position(0),
    valueEnd: position(0),
  };

  const docs = Array.isArray(documents) ? documents : [];
  const doc = docs[0] as Document.Parsed | undefined;
  for (const d of docs) {
    // The parser's warnings (an unknown tag, say) would change what is sent: errors here.
    for (const e of [...d.errors, ...d.warnings]) {
      errors.push({ position: position(e.pos[0]), message: e.message });
    }
  }
  if (docs.length > 1) {
    const second = docs[1]!;
    errors.push({
      position: position(second.range[0]),
      message: 'a manifest holds one YAML document; found another one here',
    });
  }

  const contents = doc?.contents ?? null;
  const locate = (path: MemberPath) => {
    let node: unknown = contents;
    let location = contents ? nodeLocation(contents as Node, undefined) : start;
    for (const segment of path) {
      if (isAlias(node) && doc) node = node.resolve(doc);
      let next: Node | undefined;
      let keyNode: Node | undefined;
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === segment,
        );
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
    const [valueStart = 0, valueEnd = valueStart] = node.range ?? [];
    const [keyStart, keyEnd] = key?.range ?? [valueStart, valueEnd];
    const loc: Location = {
      key: position(keyStart),
      keyEnd: position(keyEnd),
      value: position(valueStart),
      valueEnd: position(valueEnd),
    };
    if (isScalar(node) && node.range) {
      loc.source = text.slice(node.range[0], node.range[1]);
      loc.offset = node.range[0];
    }
    return loc;
  }

  let value: unknown;
  if (doc && errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      errors.push({ position: position(0), message: (e as Error).message });
    }
  }
  return { value, errors, locate, position };
}
