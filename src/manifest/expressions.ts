/**
 * `${{ github.sha }}`-style references in manifest strings. Only plain references to
 * the contexts below are accepted; nothing is evaluated, so nothing in a manifest can
 * run. Any other expression is an error at its position.
 */
import { repositoryOf, type WorkflowRun } from '../workflow-run.js';
import { didYouMean } from '../suggest.js';
import { credentialName, credentialValue } from './credentials.js';
import { clip, type MemberPath } from './problems.js';

/** The values a manifest may refer to. */
export interface ExpressionContext {
  /** github.<name>, from the run; undefined when the run does not know it. */
  github: Readonly<Record<GithubProperty, string | undefined>>;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * No run to resolve from (the check command): a supported reference is left as written
   * and is not an error, and the member that holds it passes the checks of its value.
   */
  placeholders?: boolean;
}

export const GITHUB_PROPERTIES = ['sha', 'ref_name', 'run_id', 'run_number', 'repository'] as const;
export type GithubProperty = (typeof GITHUB_PROPERTIES)[number];

/**
 * A reference that can resolve, as the source of a regular expression that finds one in
 * a string: the JSON Schema accepts a string holding one wherever the value it resolves
 * to could be valid. Whether the variable is set, or looks like a credential, is known
 * only when the manifest is checked.
 */
export const REFERENCE_SOURCE = String.raw`\$\{\{\s*(?:github\.(?:${GITHUB_PROPERTIES.join('|')})|env\.[A-Za-z_][A-Za-z0-9_]*)\s*\}\}`;

/** The runner variable behind each github.* property. */
export const GITHUB_VARIABLES: Readonly<Record<GithubProperty, string>> = {
  sha: 'GITHUB_SHA',
  ref_name: 'GITHUB_REF_NAME',
  run_id: 'GITHUB_RUN_ID',
  run_number: 'GITHUB_RUN_NUMBER',
  repository: 'GITHUB_REPOSITORY',
};

/** The values of a run: github.* from @actions/github's context (ref_name from its variable). */
export function expressionContextOf(run: WorkflowRun, env: NodeJS.ProcessEnv): ExpressionContext {
  const repository = repositoryOf(run);
  const number = (value: number) => (Number.isInteger(value) ? String(value) : undefined);
  return {
    github: {
      sha: run.sha || undefined,
      ref_name: env[GITHUB_VARIABLES.ref_name] || undefined,
      run_id: number(run.runId),
      run_number: number(run.runNumber),
      repository: repository && `${repository.owner}/${repository.repo}`,
    },
    env,
  };
}

export interface ExpressionError {
  path: MemberPath;
  /** Offset of the expression in the string value. */
  index: number;
  /** The expression as written, `${{ ... }}`. */
  text: string;
  message: string;
  /** Not an error: a reference left as written, as the context has placeholders. */
  placeholder?: true;
}

const NO_CREDENTIALS =
  'what a manifest or listing file says is sent to AWS and shown in logs and reports, so it may not contain one';

const OPEN = '${{';
const CLOSE = '}}';

/** Resolves one reference (the text between `${{` and `}}`), or says what is wrong. */
function resolveReference(
  inner: string,
  context: ExpressionContext,
): { value: string } | { error: string } | { placeholder: true } {
  const expr = inner.trim();
  const quoted = (text: string) => clip(text, 60);
  const reference = /^([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr);
  if (!reference) {
    return {
      error: `'${quoted(expr)}' is not supported: an expression may only refer to github.<name> or env.<NAME>, as in \${{ github.sha }}`,
    };
  }
  const [, scope, name] = reference as unknown as [string, string, string];
  if (scope === 'github') {
    if (!(GITHUB_PROPERTIES as readonly string[]).includes(name)) {
      return {
        error: `unknown property github.${quoted(name)}${didYouMean(name, GITHUB_PROPERTIES)}; an expression may use github.${GITHUB_PROPERTIES.join(', github.')}`,
      };
    }
    if (context.placeholders) return { placeholder: true };
    const value = context.github[name as GithubProperty];
    if (value === undefined) {
      return {
        error: `github.${name} is not known in this run (${GITHUB_VARIABLES[name as GithubProperty]} is not set)`,
      };
    }
    return { value };
  }
  if (scope === 'env') {
    const byName = credentialName(name);
    if (byName) {
      return {
        error: `env.${quoted(name)} looks like a credential (${byName}); ${NO_CREDENTIALS}`,
      };
    }
    if (context.placeholders) return { placeholder: true };
    const value = context.env[name];
    if (value === undefined) return { error: `environment variable ${quoted(name)} is not set` };
    const byValue = credentialValue(value);
    if (byValue) {
      return { error: `the value of env.${name} looks like ${byValue}; ${NO_CREDENTIALS}` };
    }
    return { value };
  }
  const hint = scope === 'secrets' || scope === 'vars' ? ` (${scope} are not available here)` : '';
  return {
    error: `unknown context '${quoted(scope)}'${hint}; an expression may only use the github and env contexts`,
  };
}

/** Substitutes the references in one string; problems are added to `errors`. */
export function substitute(
  value: string,
  context: ExpressionContext,
  path: MemberPath,
  errors: ExpressionError[],
): string {
  let out = '';
  let from = 0;
  for (;;) {
    const open = value.indexOf(OPEN, from);
    if (open < 0) return out + value.slice(from);
    out += value.slice(from, open);
    const close = value.indexOf(CLOSE, open + OPEN.length);
    if (close < 0) {
      errors.push({
        path,
        index: open,
        text: value.slice(open),
        message: "an expression opened with '${{' is not closed with '}}'",
      });
      return out + value.slice(open);
    }
    const text = value.slice(open, close + CLOSE.length);
    const resolved = resolveReference(value.slice(open + OPEN.length, close), context);
    if ('error' in resolved) {
      errors.push({ path, index: open, text, message: resolved.error });
      out += text;
    } else if ('placeholder' in resolved) {
      errors.push({ path, index: open, text, message: 'left as written', placeholder: true });
      out += text;
    } else {
      out += resolved.value;
    }
    from = close + CLOSE.length;
  }
}

/**
 * `value` with the references in every string resolved. What holds no reference is
 * returned as it is rather than copied; `path` is where `value` is, and is restored
 * before returning.
 */
export function resolveExpressions(
  value: unknown,
  context: ExpressionContext,
  errors: ExpressionError[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.includes(OPEN) ? substitute(value, context, [...path], errors) : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      path.push(i);
      const resolved = resolveExpressions(item, context, errors, path);
      path.pop();
      if (resolved !== item) (copy ??= [...value])[i] = resolved;
    });
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    path.push(key);
    const resolved = resolveExpressions(item, context, errors, path);
    path.pop();
    if (resolved !== item) {
      copy ??= { ...value };
      // Defined rather than assigned, so that a key such as __proto__ stays a plain key.
      Object.defineProperty(copy, key, {
        value: resolved,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
  }
  return copy ?? value;
}
