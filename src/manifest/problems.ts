/** A finding about a manifest, with where it is. */
export interface Problem {
  severity: 'error' | 'warning';
  /** The manifest's path relative to the workspace. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Where the member's text ends, when it is known (1-based, exclusive column). */
  endLine?: number;
  endColumn?: number;
  /** The member's path, such as InferenceSpecification.Containers[0].Image; empty for the file. */
  member: string;
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

export function countErrors(problems: readonly Problem[]): number {
  return problems.filter((p) => p.severity === 'error').length;
}

/** Problems in reading order. */
export function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
}
