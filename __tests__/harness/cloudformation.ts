/**
 * The CloudFormation templates of iam/ as data: read with their short-form tags (`!Sub`,
 * `!Ref`, …) turned into the long forms, and evaluated for given parameters the way
 * CloudFormation does before it creates anything: defaults, AllowedPattern (on each member
 * of a CommaDelimitedList), MaxLength, Conditions, the Rules section's assertions, and the
 * functions the templates use in their properties (Ref, Fn::Sub, Fn::Join, Fn::If and the
 * condition functions). Fn::GetAtt names what only a deployed stack knows: it is left
 * as it is.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type CollectionTag, type ScalarTag } from 'yaml';
import { ROOT } from './dist-action.js';

const FUNCTIONS = ['Ref', 'Sub', 'GetAtt', 'Join', 'If', 'Equals', 'Not', 'And', 'Or', 'Condition'];

const intrinsic = (name: string): (ScalarTag | CollectionTag)[] => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const tag = `!${name}`;
  return [
    { tag, resolve: (value: string) => ({ [key]: name === 'GetAtt' ? value.split('.') : value }) },
    { tag, collection: 'seq', resolve: (seq) => ({ [key]: seq.toJSON() }) },
    { tag, collection: 'map', resolve: (map) => ({ [key]: map.toJSON() }) },
  ] as (ScalarTag | CollectionTag)[];
};

export interface Parameter {
  Type: string;
  Default?: string;
  AllowedPattern?: string;
  AllowedValues?: string[];
  MaxLength?: number;
}

export interface Resource {
  Type: string;
  Condition?: string;
  Properties: Record<string, unknown>;
}

export interface Template {
  Parameters: Record<string, Parameter>;
  /** Empty for a template without conditions. */
  Conditions: Record<string, unknown>;
  Rules?: Record<string, { RuleCondition?: unknown; Assertions: Assertion[] }>;
  Resources: Record<string, Resource>;
  Outputs: Record<string, unknown>;
}

interface Assertion {
  Assert: unknown;
  AssertDescription?: string;
}

/** A template of the repository, by its path relative to the repository. */
export function readTemplate(file: string): Template {
  const template = parse(readFileSync(path.join(ROOT, file), 'utf8'), {
    customTags: FUNCTIONS.flatMap(intrinsic),
  }) as Template;
  return { ...template, Conditions: template.Conditions ?? {} };
}

/** What `!Ref AWS::NoValue` leaves: the property or list member is removed. */
const NO_VALUE = Symbol('AWS::NoValue');

export interface Stack {
  parameters: Record<string, string | string[]>;
  conditions: Record<string, boolean>;
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '123456789012',
};

/**
 * The stack CloudFormation would make of `template` with `given` parameters, or an error
 * saying why it refuses them: a parameter missing or not of its form, or an assertion of
 * the Rules section that does not hold (its AssertDescription).
 */
export function stackOf(template: Template, given: Record<string, string>): Stack {
  for (const name of Object.keys(given)) {
    if (!template.Parameters[name]) throw new Error(`${name}: not a parameter of the template`);
  }
  const parameters: Record<string, string | string[]> = {};
  for (const [name, parameter] of Object.entries(template.Parameters)) {
    const raw = given[name] ?? parameter.Default;
    if (raw === undefined) throw new Error(`${name}: no value`);
    const list = parameter.Type === 'CommaDelimitedList';
    const members = list ? raw.split(',') : [raw];
    const pattern = parameter.AllowedPattern && new RegExp(`^(?:${parameter.AllowedPattern})$`);
    for (const member of members) {
      if (pattern && !pattern.test(member)) {
        throw new Error(`${name}: '${member}' does not match ${parameter.AllowedPattern}`);
      }
      if (parameter.AllowedValues && !parameter.AllowedValues.includes(member)) {
        throw new Error(`${name}: '${member}' is not an allowed value`);
      }
    }
    if (parameter.MaxLength !== undefined && raw.length > parameter.MaxLength) {
      throw new Error(`${name}: longer than ${parameter.MaxLength}`);
    }
    parameters[name] = list ? members : raw;
  }
  const stack: Stack = { parameters, conditions: {} };
  const pending = Object.entries(template.Conditions);
  // Conditions may name other conditions: evaluate them in the order they can be.
  while (pending.length > 0) {
    const index = pending.findIndex(([, value]) =>
      conditionsNamed(value).every((c) => c in stack.conditions),
    );
    if (index < 0) throw new Error('conditions that name each other or a missing one');
    const [[name, value]] = pending.splice(index, 1) as [[string, unknown]];
    stack.conditions[name] = evaluate(value, stack) === true;
  }
  for (const [name, rule] of Object.entries(template.Rules ?? {})) {
    if (rule.RuleCondition !== undefined && evaluate(rule.RuleCondition, stack) !== true) continue;
    for (const assertion of rule.Assertions) {
      if (evaluate(assertion.Assert, stack) !== true) {
        throw new Error(`${name}: ${assertion.AssertDescription ?? 'assertion failed'}`);
      }
    }
  }
  return stack;
}

function conditionsNamed(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(conditionsNamed);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === 'Condition' && typeof v === 'string' ? [v] : conditionsNamed(v),
  );
}

function parameter(stack: Stack, name: string): string | string[] | typeof NO_VALUE {
  if (name === 'AWS::NoValue') return NO_VALUE;
  const value = stack.parameters[name] ?? PSEUDO[name];
  if (value === undefined) throw new Error(`Ref ${name}: not a parameter`);
  return value;
}

const text = (value: unknown, what: string): string => {
  if (typeof value !== 'string') throw new Error(`${what}: not a string`);
  return value;
};

/** `value` with the functions CloudFormation evaluates before creating anything evaluated. */
export function evaluate(value: unknown, stack: Stack): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => evaluate(v, stack)).filter((v) => v !== NO_VALUE);
  }
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [key, argument] = entries[0] ?? [];
  if (entries.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::'))) {
    return evaluateFunction(key, argument, stack);
  }
  if (entries.length === 1 && key === 'Condition' && typeof argument === 'string') {
    const condition = stack.conditions[argument];
    if (condition === undefined) throw new Error(`Condition ${argument}: not evaluated`);
    return condition;
  }
  return Object.fromEntries(
    entries.map(([k, v]) => [k, evaluate(v, stack)] as const).filter(([, v]) => v !== NO_VALUE),
  );
}

function evaluateFunction(name: string, argument: unknown, stack: Stack): unknown {
  const args = Array.isArray(argument) ? argument : [argument];
  switch (name) {
    case 'Ref':
      return parameter(stack, text(argument, 'Ref'));
    case 'Fn::Sub': {
      const [format, variables = {}] = args as [unknown, Record<string, unknown>?];
      const values = Object.fromEntries(
        Object.entries(variables).map(([k, v]) => [k, evaluate(v, stack)]),
      );
      return text(format, 'Fn::Sub').replace(/\$\{([^}!]+)\}/g, (_, variable: string) => {
        if (variable.includes('.')) throw new Error(`Fn::Sub \${${variable}}: not evaluated`);
        const replacement = variable in values ? values[variable] : parameter(stack, variable);
        return text(replacement, `Fn::Sub \${${variable}}`);
      });
    }
    case 'Fn::Join': {
      const [separator, list] = args as [unknown, unknown];
      const members = evaluate(list, stack);
      if (!Array.isArray(members)) throw new Error('Fn::Join: not a list');
      return members.map((m) => text(m, 'Fn::Join')).join(text(separator, 'Fn::Join'));
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = args as [string, unknown, unknown];
      const holds = stack.conditions[condition];
      if (holds === undefined) throw new Error(`Fn::If ${condition}: not a condition`);
      return evaluate(holds ? whenTrue : whenFalse, stack);
    }
    case 'Fn::Equals': {
      const [a, b] = args.map((v) => evaluate(v, stack));
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not':
      return evaluate(args[0], stack) !== true;
    case 'Fn::And':
      return args.every((v) => evaluate(v, stack) === true);
    case 'Fn::Or':
      return args.some((v) => evaluate(v, stack) === true);
    case 'Fn::EachMemberEquals': {
      const [list, member] = args.map((v) => evaluate(v, stack));
      if (!Array.isArray(list)) throw new Error('Fn::EachMemberEquals: not a list');
      return list.every((m) => m === member);
    }
    case 'Fn::GetAtt':
      // What only the deployed stack knows: left as it is.
      return { [name]: argument };
    default:
      throw new Error(`${name}: not evaluated`);
  }
}
