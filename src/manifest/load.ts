/**
 * Checks one manifest: reads it, resolves its expressions, and reports every problem
 * at once, each with its line and column. Nothing here talks to AWS.
 *
 * Every problem is counted, but only the first MAX_PROBLEMS in reading order are kept:
 * their positions and messages (with their suggestions) are worked out for those alone,
 * so that a manifest with a problem on each of its lines is checked as fast as another.
 */
import type { Listing } from '../listing/attach.js';
import { readFile, stat } from 'node:fs/promises';
import { decodeManifest } from './encoding.js';
import { resolveExpressions, type ExpressionContext, type ExpressionError } from './expressions.js';
import { isStringMember, schemaFindings, type Finding } from './findings.js';
import {
  clip,
  formatMemberPath,
  type MemberPath,
  type Problem,
  type ProblemCounts,
} from './problems.js';
import { withCardContentAsText } from './model-card.js';
import { checkImageRegions } from './region.js';
import type { ModelPackageManifest } from './schema.js';
import { parseSource, type Location, type ParsedSource } from './source.js';

export interface CheckOptions {
  /** Target region; the region checks are skipped without one. */
  region?: string;
  context: ExpressionContext;
}

export interface CheckedManifest {
  /** Path relative to the workspace, as shown to people. */
  file: string;
  /** The request with expressions resolved; undefined when there is an error. */
  request?: ModelPackageManifest;
  /** The first MAX_PROBLEMS problems, in reading order. */
  problems: Problem[];
  /** How many problems there are after those. */
  omitted: ProblemCounts;
  /** The line that validation results are annotated at: ValidationSpecification's, or the name's. */
  validationLine?: number;
  /** The package's name or group as the manifest gives them, also when it is invalid. */
  identity?: { name?: string; group?: string };
  /** Where a member of a valid manifest is, for findings made later (preflight). */
  locate?: (path: MemberPath) => Pick<Problem, 'line' | 'column' | 'endLine' | 'endColumn'>;
  /** The listing file beside the manifest, when the run reads listing files (SPEC §9). */
  listingFile?: string;
  /** Its change, when it is valid (src/listing/attach.ts). */
  listing?: Listing;
  /** Where a member of the valid listing file is, for preflight's findings. */
  locateListing?: (path: MemberPath) => Pick<Problem, 'line' | 'column' | 'endLine' | 'endColumn'>;
}

/** Larger manifests are refused before they are parsed. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/** Problems kept per manifest; the rest are counted. */
export const MAX_PROBLEMS = 100;

/** Longest member path and message of a problem. */
const MAX_MEMBER = 200;
const MAX_MESSAGE = 1000;

const EXPECTED_TOP_LEVEL =
  'a mapping of CreateModelPackage members such as ModelPackageName or ModelPackageGroupName';

const NONE: ProblemCounts = { errors: 0, warnings: 0 };

/** A document's problems, whatever its kind. */
export type FileProblems = Pick<CheckedManifest, 'file' | 'problems' | 'omitted'>;

/** A problem with the file as a whole, at its start unless told where. */
export function fileError(
  file: string,
  message: string,
  at: { line: number; column: number } = { line: 1, column: 1 },
): FileProblems {
  return {
    file,
    problems: [{ severity: 'error', file, ...at, member: '', message }],
    omitted: NONE,
  };
}

type Described = Omit<Problem, 'file' | 'severity'>;

interface Pending {
  severity: Problem['severity'];
  /** Offset in the file, for reading order. */
  at: number;
  /** Order found, among problems at the same offset. */
  order: number;
  describe: () => Described;
}

/** The problems of one manifest, described once it is known which are kept. */
class Problems {
  private readonly pending: Pending[] = [];
  errors = 0;

  constructor(private readonly file: string) {}

  add(severity: Problem['severity'], at: number, describe: () => Described): void {
    this.pending.push({ severity, at, order: this.pending.length, describe });
    if (severity === 'error') this.errors++;
  }

  /** The first MAX_PROBLEMS in reading order (the order found among equals), and a count of the rest. */
  done(): Pick<CheckedManifest, 'problems' | 'omitted'> {
    const sorted = this.pending.sort((a, b) => a.at - b.at || a.order - b.order);
    const kept = sorted.slice(0, MAX_PROBLEMS);
    const errors = kept.filter((p) => p.severity === 'error').length;
    return {
      problems: kept.map(({ severity, describe }) => {
        const described = describe();
        return {
          severity,
          file: this.file,
          ...described,
          member: clip(described.member, MAX_MEMBER),
          message: clip(described.message, MAX_MESSAGE),
        };
      }),
      omitted: {
        errors: this.errors - errors,
        warnings: sorted.length - kept.length - (this.errors - errors),
      },
    };
  }
}

/** Start and end of a range as lines and columns. */
function span(source: ParsedSource, [from, to]: readonly [number, number]) {
  const start = source.position(from);
  const end = source.position(to);
  return { ...start, endLine: end.line, endColumn: end.column };
}

/**
 * What kind of document a file holds: the manifest, or another checked the same way (an
 * AWS Marketplace listing file, src/listing/).
 */
export interface DocumentKind {
  /** How messages name the file: 'manifest', 'listing file'. */
  noun: string;
  /** What its top level is expected to be, in words. */
  expectedTopLevel: string;
  /** Every finding in the document once its expressions are resolved. */
  findings: (resolved: unknown, options: CheckOptions) => Finding[];
  /** Whether the member at `path` holds a string, as an expression gives. */
  isStringMember: (path: MemberPath) => boolean;
}

/** A document checked: its problems, and what it holds once its text could be read. */
export interface CheckedDocument extends FileProblems {
  /** How many errors there are, kept or not. */
  errors: number;
  /** The document with expressions resolved, and its source; undefined when it cannot be read. */
  parsed?: { value: Record<string, unknown>; source: ParsedSource };
}

const MANIFEST: DocumentKind = {
  noun: 'manifest',
  expectedTopLevel: EXPECTED_TOP_LEVEL,
  findings: (resolved, options) => [
    ...schemaFindings(resolved),
    ...checkImageRegions(resolved, options.region),
  ],
  isStringMember: (path) => isStringMember(path),
};

/** Where a member is: a scalar's value, or the key of a missing member or a collection. */
export function locator(source: ParsedSource) {
  return (path: MemberPath): Pick<Problem, 'line' | 'column' | 'endLine' | 'endColumn'> => {
    const { location, found: exists } = source.locate(path);
    return span(source, exists && location.source !== undefined ? location.value : location.key);
  };
}

/**
 * Checks a document of any kind: parses it, resolves its expressions, and reports every
 * problem at once, each with its line and column.
 */
export function checkDocumentText(
  text: string,
  file: string,
  options: CheckOptions,
  kind: DocumentKind,
): CheckedDocument {
  const source = parseSource(text);
  const found = new Problems(file);
  for (const e of source.errors) {
    found.add('error', e.range[0], () => ({
      ...(e.range[1] > e.range[0] ? span(source, e.range) : source.position(e.range[0])),
      member: '',
      message: `YAML: ${e.message}`,
    }));
  }
  if (source.errors.length > 0) return { file, ...found.done(), errors: found.errors };

  const { value } = source;
  if (value === undefined || value === null) {
    return {
      ...fileError(file, `the ${kind.noun} is empty; expected ${kind.expectedTopLevel}`),
      errors: 1,
    };
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    const found = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    const { location } = source.locate([]);
    return {
      ...fileError(
        file,
        `the top level of a ${kind.noun} must be ${kind.expectedTopLevel}; found ${found}`,
        source.position(location.value[0]),
      ),
      errors: 1,
    };
  }

  const expressionErrors: ExpressionError[] = [];
  const resolved = resolveExpressions(value, options.context, expressionErrors);
  // Consecutive errors in one string are found one after the other in its source.
  const searched = new Map<number, number>();
  for (const error of expressionErrors) {
    if (error.placeholder) continue;
    const { location } = source.locate(error.path);
    found.add('error', location.value[0] + error.index, () =>
      expressionProblem(error, location, source, searched),
    );
  }

  // A value whose expression failed is reported once, for the expression; a string that
  // holds a placeholder passes the checks of its value, as it could resolve to a valid one.
  const unresolved = new Set(
    expressionErrors
      .filter((e) => !e.placeholder || kind.isStringMember(e.path))
      .map((e) => formatMemberPath(e.path)),
  );
  // Below such a string are the members of the JSON it holds (ModelCardContent's): theirs too.
  const isUnresolved = (path: MemberPath) => {
    for (let end = path.length; end > 0; end--) {
      if (unresolved.has(formatMemberPath(path.slice(0, end)))) return true;
    }
    return false;
  };
  for (const finding of kind.findings(resolved, options)) {
    if (unresolved.size > 0 && isUnresolved(finding.path)) continue;
    const { location, found: exists } = source.locate(finding.at ?? finding.path);
    // A scalar is pointed at itself; a missing member, a name or a collection at its key.
    const onValue = exists && !finding.onKey && location.source !== undefined;
    const range = onValue ? location.value : location.key;
    found.add(finding.severity, range[0], () => ({
      ...span(source, range),
      member: formatMemberPath(finding.path),
      message: finding.message + (finding.hint?.() ?? ''),
    }));
  }
  return {
    file,
    ...found.done(),
    errors: found.errors,
    parsed: { value: resolved as Record<string, unknown>, source },
  };
}

export function checkManifestText(
  text: string,
  file: string,
  options: CheckOptions,
): CheckedManifest {
  const { problems, omitted, errors, parsed } = checkDocumentText(text, file, options, MANIFEST);
  if (!parsed) return { file, problems, omitted };
  const { value: resolved, source } = parsed;
  const identity = identityOf(resolved);
  if (errors > 0) return { file, problems, omitted, identity };
  const anchor = ['ValidationSpecification', 'ModelPackageName', 'ModelPackageGroupName']
    .map((member) => source.locate([member]))
    .find((l) => l.found);
  return {
    file,
    request: withCardContentAsText(resolved) as ModelPackageManifest,
    problems,
    omitted,
    validationLine: anchor && source.position(anchor.location.key[0]).line,
    identity,
    locate: locator(source),
  };
}

/** ModelPackageName and ModelPackageGroupName, where they are strings. */
function identityOf(value: unknown): CheckedManifest['identity'] {
  const { ModelPackageName: name, ModelPackageGroupName: group } = value as Record<string, unknown>;
  return {
    ...(typeof name === 'string' ? { name } : {}),
    ...(typeof group === 'string' ? { group } : {}),
  };
}

function expressionProblem(
  error: ExpressionError,
  location: Location,
  source: ParsedSource,
  searched: Map<number, number>,
): Described {
  let range = location.value;
  const from = searched.get(location.value[0]) ?? 0;
  const index = location.source?.indexOf(error.text, from) ?? -1;
  if (index >= 0) {
    searched.set(location.value[0], index + error.text.length);
    const start = location.value[0] + index;
    range = [start, start + error.text.length];
  }
  return {
    ...span(source, range),
    member: formatMemberPath(error.path as MemberPath),
    message: `${clip(error.text, 80)}: ${error.message}`,
  };
}

/**
 * Reads a document's file and checks its text with `check`: a file too large, not UTF-8
 * or unreadable is one problem at its start, named with `noun`.
 */
export async function loadDocument<T>(
  absolutePath: string,
  file: string,
  noun: string,
  check: (text: string) => T,
): Promise<T | FileProblems> {
  try {
    const { size } = await stat(absolutePath);
    if (size > MAX_MANIFEST_BYTES) {
      return fileError(
        file,
        `the ${noun} is ${size} bytes; ${noun}s of more than ${MAX_MANIFEST_BYTES} bytes are refused`,
      );
    }
    const decoded = decodeManifest(await readFile(absolutePath), noun);
    if ('error' in decoded) {
      const { message, ...at } = decoded.error;
      return fileError(file, message, at);
    }
    return check(decoded.text);
  } catch (e) {
    return fileError(file, `cannot read the ${noun}: ${(e as Error).message}`);
  }
}

/** Reads and checks a manifest file. `file` is how it is named in reports. */
export function loadManifest(
  absolutePath: string,
  file: string,
  options: CheckOptions,
): Promise<CheckedManifest> {
  return loadDocument(absolutePath, file, 'manifest', (text) =>
    checkManifestText(text, file, options),
  );
}
