/**
 * The check command: the action's manifest checks from a terminal, an editor's task or a
 * pre-commit hook, without a workflow run. It shares the action's checking (resolveManifestFiles,
 * loadManifest), checks AWS Marketplace listing files (loadListing) too,
 * and only parses arguments and prints. No AWS call and no network.
 */
import { plural } from '../text.js';
import { parseArgs } from 'node:util';
import { INPUTS, REGION } from '../inputs.js';
import { loadListing, type CheckedListing } from '../listing/load.js';
import { isListingFile } from '../listing/names.js';
import { GITHUB_PROPERTIES, type GithubProperty } from '../manifest/expressions.js';
import { ManifestPatternError, resolveManifestFiles } from '../manifest/files.js';
import { loadManifest, type CheckedManifest } from '../manifest/load.js';
import { countProblems, formatCounts, type Problem } from '../manifest/problems.js';

export const COMMAND = 'sagemaker-model-package';

/** What a run of the command printed, and its exit code. */
export interface CommandResult {
  stdout: string[];
  stderr: string[];
  code: 0 | 1 | 2;
}

export interface CommandDependencies {
  /** Where relative patterns start: the current directory. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  version: string;
}

export const USAGE = `Usage: ${COMMAND} check [options] [pattern ...]

Checks SageMaker model-package manifests as the action does before it calls AWS, and
prints one line per problem: file:line:column: error|warning member: message. A file
named marketplace-listing.yml (or .yaml) is checked as an AWS Marketplace listing file.

Patterns are paths or globs, absolute or relative to the current directory (default
${INPUTS.manifest}); a pattern starting with '!' excludes files. Expressions such as
\${{ github.sha }} or \${{ env.NAME }} are placeholders: only a workflow run knows their
values, so the member that holds one passes the checks of its value.

Options:
  --region <region>       target region for the image region checks
                          (default: AWS_REGION, then AWS_DEFAULT_REGION)
  --max-manifests <n>     refuse patterns that match more files (default ${INPUTS['max-manifests']})
  -h, --help              show this help
  -v, --version           show the version

Exit status: 0 when no manifest has an error, 1 when one has, 2 for a usage error.`;

/** Control characters (C0, DEL, C1), line and paragraph separators, bidirectional controls. */
const UNSAFE = /[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * `text` fit for a terminal: nothing that moves the cursor, starts an escape sequence,
 * breaks the line or reorders the text; each such character becomes '?'.
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, '?');
}

/** "models/a.yml:12:5: error InferenceSpecification.Containers[0].Image: expected ..." */
export function formatLine(problem: Problem): string {
  const member = problem.member || '-';
  return printable(
    `${problem.file}:${problem.line}:${problem.column}: ${problem.severity} ${member}: ${problem.message}`,
  );
}

class UsageError extends Error {}

interface Options {
  patterns: string[];
  region: string | undefined;
  maxManifests: number;
}

function parse(args: readonly string[], env: NodeJS.ProcessEnv): Options | 'help' | 'version' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        region: { type: 'string' },
        'max-manifests': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (values.version) return 'version';
  const [command, ...patterns] = positionals;
  if (command === undefined) throw new UsageError('no command: the command is check');
  if (command !== 'check')
    throw new UsageError(`unknown command '${command}': the command is check`);

  let region = values.region;
  let source = '--region';
  if (region === undefined) {
    for (const variable of ['AWS_REGION', 'AWS_DEFAULT_REGION']) {
      const value = env[variable]?.trim();
      if (value) {
        region = value;
        source = `environment variable ${variable}`;
        break;
      }
    }
  }
  if (region !== undefined && !REGION.test(region)) {
    throw new UsageError(`${source}: '${region}' is not an AWS region name such as us-east-1`);
  }

  const maxText = values['max-manifests'] ?? INPUTS['max-manifests'];
  const maxManifests = Number(maxText);
  if (!/^\d+$/.test(maxText) || !Number.isSafeInteger(maxManifests) || maxManifests < 1) {
    throw new UsageError(`--max-manifests must be a whole number of at least 1, not '${maxText}'`);
  }
  return { patterns: patterns.length > 0 ? patterns : [INPUTS.manifest], region, maxManifests };
}

/** No run: github.* is unknown, env.* is the workflow's, not this shell's. */
const PLACEHOLDERS = {
  github: Object.fromEntries(GITHUB_PROPERTIES.map((p) => [p, undefined])) as Record<
    GithubProperty,
    undefined
  >,
  env: {},
  placeholders: true,
};

type Checked =
  { kind: 'manifest'; checked: CheckedManifest } | { kind: 'listing'; checked: CheckedListing };

/** The lines of one manifest or listing file: its problems, then how many more there are. */
function linesOf(manifest: CheckedManifest | CheckedListing): string[] {
  const lines = manifest.problems.map(formatLine);
  const { errors, warnings } = manifest.omitted;
  if (errors + warnings > 0) {
    const count = errors + warnings;
    lines.push(
      printable(
        `${manifest.file}: ${plural(count, 'more problem')} (${formatCounts(manifest.omitted)}) not listed`,
      ),
    );
  }
  return lines;
}

/** Runs the command on `args` (without the node and script paths). */
export async function runCommand(
  args: readonly string[],
  deps: CommandDependencies,
): Promise<CommandResult> {
  const usageError = (message: string): CommandResult => ({
    stdout: [],
    stderr: [printable(`${COMMAND}: ${message}`), `Run '${COMMAND} --help' for usage.`],
    code: 2,
  });
  let options;
  try {
    options = parse(args, deps.env);
  } catch (e) {
    if (e instanceof UsageError) return usageError(e.message);
    throw e;
  }
  if (options === 'help') return { stdout: [USAGE], stderr: [], code: 0 };
  if (options === 'version') return { stdout: [deps.version], stderr: [], code: 0 };

  const stderr: string[] = [];
  if (!options.region) {
    stderr.push(
      `${COMMAND}: no region (--region, AWS_REGION or AWS_DEFAULT_REGION): the image region checks were skipped`,
    );
  }
  let checked: Checked[];
  try {
    const files = await resolveManifestFiles(options.patterns, deps.cwd, {
      limit: options.maxManifests,
      // A linter checks any file its user names; only the action keeps to its workspace.
      confine: false,
      // Listing files are checked as listing files, never as manifests.
      listings: true,
    });
    const checkOptions = { region: options.region, context: PLACEHOLDERS };
    checked = await Promise.all(
      files.map(async (f): Promise<Checked> =>
        isListingFile(f.relative)
          ? { kind: 'listing', checked: await loadListing(f.absolute, f.relative, checkOptions) }
          : { kind: 'manifest', checked: await loadManifest(f.absolute, f.relative, checkOptions) },
      ),
    );
  } catch (e) {
    if (e instanceof ManifestPatternError) return usageError(e.message);
    throw e;
  }
  const stdout = checked.flatMap((c) => linesOf(c.checked));
  const total = checked.reduce(
    (sum, { checked: m }) => {
      const { errors, warnings } = countProblems(m.problems, m.omitted);
      return { errors: sum.errors + errors, warnings: sum.warnings + warnings };
    },
    { errors: 0, warnings: 0 },
  );
  const invalid = checked.filter((c) =>
    c.kind === 'listing' ? !c.checked.change : !c.checked.request,
  ).length;
  const listings = checked.filter((c) => c.kind === 'listing').length;
  const manifests =
    `${plural(checked.length - listings, 'manifest')}` +
    (listings > 0 ? ` and ${plural(listings, 'listing file')}` : '');
  stdout.push(`${manifests} checked, ${invalid} invalid: ${formatCounts(total)}`);
  return { stdout, stderr, code: total.errors > 0 ? 1 : 0 };
}
