/**
 * Checks one manifest: reads it, resolves its expressions, and reports every problem
 * at once, each with its line and column. Nothing here talks to AWS.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolveExpressions, type ExpressionContext, type ExpressionError } from './expressions.js';
import { schemaFindings, type Finding } from './findings.js';
import { formatMemberPath, sortProblems, type Problem } from './problems.js';
import { checkImageRegions } from './region.js';
import type { ModelPackageManifest } from './schema.js';
import { parseSource, type ParsedSource } from './source.js';

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
  problems: Problem[];
  /** The line that validation results are annotated at: ValidationSpecification's, or the name's. */
  validationLine?: number;
}

/** Larger manifests are refused before they are parsed. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

const EXPECTED_TOP_LEVEL =
  'a mapping of CreateModelPackage members such as ModelPackageName or ModelPackageGroupName';

/** A problem with the file as a whole, at its start. */
function fileError(file: string, message: string): CheckedManifest {
  return { file, problems: [{ severity: 'error', file, line: 1, column: 1, member: '', message }] };
}

export function checkManifestText(
  text: string,
  file: string,
  options: CheckOptions,
): CheckedManifest {
  const source = parseSource(text);
  // After a syntax error the parser's further errors mostly follow from the first.
  const problems: Problem[] = source.errors.slice(0, 1).map((e) => ({
    severity: 'error',
    file,
    ...e.position,
    member: '',
    message: `YAML: ${e.message}`,
  }));
  if (problems.length > 0) return { file, problems };

  const { value } = source;
  if (value === undefined || value === null)
    return fileError(file, `the manifest is empty; expected ${EXPECTED_TOP_LEVEL}`);
  if (typeof value !== 'object' || Array.isArray(value)) {
    const found = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    const { location } = source.locate([]);
    return {
      file,
      problems: [
        {
          severity: 'error',
          file,
          ...location.value,
          member: '',
          message: `the top level of a manifest must be ${EXPECTED_TOP_LEVEL}; found ${found}`,
        },
      ],
    };
  }

  const expressionErrors: ExpressionError[] = [];
  const resolved = resolveExpressions(value, options.context, expressionErrors);
  problems.push(...expressionErrors.map((e) => expressionProblem(e, source, file)));

  // A value whose expression failed is reported once, for the expression.
  const unresolved = new Set(expressionErrors.map((e) => formatMemberPath(e.path)));
  const findings = [...schemaFindings(resolved), ...checkImageRegions(resolved, options.region)];
  for (const finding of findings) {
    if (!unresolved.has(formatMemberPath(finding.path))) {
      problems.push(findingProblem(finding, source, file));
    }
  }
  sortProblems(problems);

  const valid = !problems.some((p) => p.severity === 'error');
  if (!valid) return { file, problems };
  const anchor = ['ValidationSpecification', 'ModelPackageName', 'ModelPackageGroupName']
    .map((member) => source.locate([member]))
    .find((l) => l.found);
  return {
    file,
    request: resolved as ModelPackageManifest,
    problems,
    validationLine: anchor?.location.key.line,
  };
}

function expressionProblem(error: ExpressionError, source: ParsedSource, file: string): Problem {
  const { location } = source.locate(error.path);
  let position = location.value;
  let end = location.valueEnd;
  const index = location.source?.indexOf(error.text) ?? -1;
  if (index >= 0 && location.offset !== undefined) {
    position = source.position(location.offset + index);
    end = source.position(location.offset + index + error.text.length);
  }
  return {
    severity: 'error',
    file,
    ...position,
    endLine: end.line,
    endColumn: end.column,
    member: formatMemberPath(error.path),
    message: `${error.text}: ${error.message}`,
  };
}

function findingProblem(finding: Finding, source: ParsedSource, file: string): Problem {
  const { location, found } = source.locate(finding.at ?? finding.path);
  // A scalar is pointed at itself; a missing member, a name or a collection at its key.
  const onValue = found && !finding.onKey && location.source !== undefined;
  const [start, end] = onValue
    ? [location.value, location.valueEnd]
    : [location.key, location.keyEnd];
  return {
    severity: finding.severity,
    file,
    ...start,
    endLine: end.line,
    endColumn: end.column,
    member: formatMemberPath(finding.path),
    message: finding.message,
  };
}

/** Reads and checks a manifest file. `file` is how it is named in reports. */
export async function loadManifest(
  absolutePath: string,
  file: string,
  options: CheckOptions,
): Promise<CheckedManifest> {
  try {
    const { size } = await stat(absolutePath);
    if (size > MAX_MANIFEST_BYTES) {
      return fileError(
        file,
        `the manifest is ${size} bytes; manifests of more than ${MAX_MANIFEST_BYTES} bytes are refused`,
      );
    }
    const text = await readFile(absolutePath, 'utf8');
    return checkManifestText(text, file, options);
  } catch (e) {
    return fileError(file, `cannot read the manifest: ${(e as Error).message}`);
  }
}
