/**
 * Turns the schema's verdict on a manifest into findings: one per problem, each with
 * the member it is about and a message that says what was expected.
 */
import { plural } from '../text.js';
import type * as z from 'zod/v4/core';
import { safeParse } from 'zod/v4/core';
import { didYouMean } from '../suggest.js';
import { CARD_CONTENT_PATH, cardMemberTakesString } from './model-card.js';
import { clip, describeValue, type MemberPath } from './problems.js';
import { manifestSchema, WARNING } from './schema.js';

export interface Finding {
  severity: 'error' | 'warning';
  /** The member the finding is about. */
  path: MemberPath;
  message: string;
  /** Point at this member's position instead of `path`'s. */
  at?: MemberPath;
  /** Point at the member's key (a name that is wrong) rather than its value. */
  onKey?: boolean;
  /**
   * The end of the message that suggests a fix, such as " (did you mean 'X'?)". It is
   * worked out only for the problems that are shown, as the search costs more than the
   * rest of the finding.
   */
  hint?: () => string;
}

/** Longest name or value quoted in a message. */
const QUOTED = 60;

type Schema = z.$ZodType;

/** The schema of the member at `path`, looking through optional, list and map layers. */
function schemaAt(path: MemberPath, root: Schema): Schema | undefined {
  let schema: Schema | undefined = root;
  for (const segment of path) {
    schema = unwrap(schema);
    const def = schema?._zod.def as unknown as Record<string, unknown> | undefined;
    if (!def) return undefined;
    if (def.type === 'object') schema = (def.shape as Record<string, Schema>)[String(segment)];
    else if (def.type === 'array') schema = def.element as Schema;
    else if (def.type === 'record') schema = def.valueType as Schema;
    else return undefined;
  }
  return unwrap(schema);
}

function unwrap(schema: Schema | undefined): Schema | undefined {
  let current = schema;
  while (current) {
    const def = current._zod.def as unknown as { type: string; innerType?: Schema };
    if (def.type !== 'optional' || !def.innerType) break;
    current = def.innerType;
  }
  return current;
}

/**
 * Whether the member at `path` holds a string (or one of an enum's), as an expression
 * gives. `root` is the document's schema: the manifest's unless told.
 */
export function isStringMember(path: MemberPath, root: Schema = manifestSchema): boolean {
  // The card's content is a string, or a mapping whose members the card's schema knows.
  if (root === manifestSchema && CARD_CONTENT_PATH.every((segment, i) => path[i] === segment)) {
    const within = path.slice(CARD_CONTENT_PATH.length);
    return within.length === 0 || cardMemberTakesString(within);
  }
  const type = (schemaAt(path, root)?._zod.def as { type?: string } | undefined)?.type;
  return type === 'string' || type === 'enum';
}

function membersAt(path: MemberPath, root: Schema): string[] {
  const def = schemaAt(path, root)?._zod.def as unknown as
    { type: string; shape?: object } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function valueAt(root: unknown, path: MemberPath): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

function sizeMessage(issue: z.$ZodIssueTooBig | z.$ZodIssueTooSmall, value: unknown) {
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  const bound = small ? 'at least' : 'at most';
  switch (issue.origin) {
    case 'string':
      return `must be ${bound} ${plural(limit, 'character')} long (is ${String(value).length})`;
    case 'array': {
      const count = Array.isArray(value) ? value.length : 0;
      if (small && limit === 1 && count === 0) return 'must not be empty';
      return `must have ${bound} ${plural(limit, 'item')} (has ${count})`;
    }
    default:
      return `must be ${bound} ${limit}`;
  }
}

function fromIssue(issue: z.$ZodIssue, manifest: unknown, root: Schema): Finding[] {
  const path = issue.path as (string | number)[];
  const value = valueAt(manifest, path);
  const severity =
    (issue as { params?: { severity?: string } }).params?.severity === WARNING.severity
      ? 'warning'
      : 'error';
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        severity,
        path: [...path, key],
        onKey: true,
        message: `unknown member '${clip(key, QUOTED)}'`,
        hint: () => didYouMean(key, membersAt(path, root)),
      }));
    case 'invalid_type': {
      if (issue.expected === 'never')
        return [{ severity, path, onKey: true, message: issue.message }];
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      if (value === undefined) {
        return [{ severity, path, message: `is required (${expected})` }];
      }
      return [{ severity, path, message: `expected ${expected}, found ${describeValue(value)}` }];
    }
    case 'too_big':
    case 'too_small':
      return [{ severity, path, message: sizeMessage(issue, value) }];
    case 'invalid_value': {
      const allowed = issue.values.map(String);
      return [
        {
          severity,
          path,
          message: `expected one of ${allowed.join(', ')}; found ${describeValue(value)}`,
          ...(typeof value === 'string' ? { hint: () => didYouMean(value, allowed) } : {}),
        },
      ];
    }
    case 'invalid_key': {
      const inner = issue.issues.map((i) => i.message).join('; ');
      return [{ severity, path, onKey: true, message: `invalid key: ${inner}` }];
    }
    case 'custom': {
      const { at, hint, onKey } = (issue.params ?? {}) as {
        at?: MemberPath;
        hint?: () => string;
        onKey?: boolean;
      };
      return [
        {
          severity,
          path,
          message: issue.message,
          ...(at ? { at } : {}),
          ...(onKey ? { onKey } : {}),
          ...(hint ? { hint } : {}),
        },
      ];
    }
    default:
      return [{ severity, path, message: issue.message }];
  }
}

/**
 * Every problem a schema finds in a document (after expressions are resolved): the
 * manifest's schema unless told, or another built from the same helpers (a listing's).
 */
export function schemaFindings(manifest: unknown, root: Schema = manifestSchema): Finding[] {
  const result = safeParse(root, manifest);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => fromIssue(issue, manifest, root));
}
