/** A finding about a manifest, with where it is. */
import { plural } from '../text.js';
export interface Problem {
  /** An error fails the check; a warning does not. */
  severity: 'error' | 'warning';
  /** The manifest's path relative to the workspace. */
  file: string;
  /** The line of the manifest the problem is at, 1-based. */
  line: number;
  /** Its column, 1-based. */
  column: number;
  /** Where the member's text ends, when it is known (1-based, exclusive column). */
  endLine?: number;
  /** See `endLine`. */
  endColumn?: number;
  /** The member's path, such as InferenceSpecification.Containers[0].Image; empty for the file. */
  member: string;
  /** What is wrong, and what was expected. */
  message: string;
}

export type MemberPath = readonly (string | number)[];

/** InferenceSpecification.Containers[0].Image */
export function formatMemberPath(path: MemberPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** "examples/a.yml:12:5: InferenceSpecification.Containers[0].Image: expected ..." */
export function formatProblem(problem: Problem): string {
  const member = problem.member ? `${problem.member}: ` : '';
  return `${problem.file}:${problem.line}:${problem.column}: ${member}${problem.message}`;
}

export function countErrors(problems: readonly Pick<Problem, 'severity'>[]): number {
  return problems.filter((p) => p.severity === 'error').length;
}

/** Errors and warnings among `problems` and the `omitted` ones after them. */
export function countProblems(
  problems: readonly Pick<Problem, 'severity'>[],
  omitted: ProblemCounts = { errors: 0, warnings: 0 },
): ProblemCounts {
  const errors = countErrors(problems);
  return {
    errors: errors + omitted.errors,
    warnings: problems.length - errors + omitted.warnings,
  };
}

/** "3 errors, 1 warning" */
export function formatCounts({ errors, warnings }: ProblemCounts): string {
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

/** Problems in reading order. */
export function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
}

/** How many problems of each severity. */
export interface ProblemCounts {
  /** Problems that fail the check. */
  errors: number;
  /** Problems that do not. */
  warnings: number;
}

/**
 * `text` cut to at most `max` characters, ending in '…' when cut: for text from the
 * manifest that a message quotes.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** How a message names a value it found: `the string "abc"`, `the number 5`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(clip(value, 41))}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}
