/**
 * The manifest schema against the SDK's own description of CreateModelPackage: the same
 * members at every depth, nothing renamed, the same required members. And the SageMaker
 * emulator's member rules against the SDK: members the SDK has, required as the SDK
 * requires them, enums with the SDK's values.
 */
import { describe, expect, it } from '@jest/globals';
import * as sdk from '@aws-sdk/client-sagemaker';
import type { $ZodType } from 'zod/v4/core';
import { manifestSchema } from '../src/manifest/schema.js';
import { MEMBER_RULES } from './harness/sagemaker-emulator.js';

type Def = {
  type: string;
  shape?: Record<string, $ZodType>;
  element?: $ZodType;
  valueType?: $ZodType;
  innerType?: $ZodType;
};
const defOf = (schema: $ZodType) => schema._zod.def as unknown as Def;

function unwrapOptional(schema: $ZodType): { schema: $ZodType; optional: boolean } {
  const def = defOf(schema);
  return def.type === 'optional'
    ? { schema: def.innerType!, optional: true }
    : { schema, optional: false };
}

type SdkShape =
  | { kind: 'structure'; members: string[]; required: string[]; schemas: unknown[] }
  | { kind: 'list' | 'map'; member: unknown }
  | { kind: 'simple' };

/** Reads the SDK's schema tuples: [3, ns, name, traits, names, schemas, required] and friends. */
function sdkShape(schema: unknown): SdkShape {
  let s = schema;
  for (;;) {
    if (typeof s === 'function') s = (s as () => unknown)();
    else if (Array.isArray(s) && typeof s[1] !== 'string') s = s[0];
    else break;
  }
  if (typeof s === 'number') {
    if (s & 64) return { kind: 'list', member: s & 63 };
    if (s & 128) return { kind: 'map', member: s & 63 };
    return { kind: 'simple' };
  }
  const tuple = s as unknown[];
  switch (tuple[0]) {
    case 3: {
      const members = tuple[4] as string[];
      return {
        kind: 'structure',
        members,
        required: members.slice(0, (tuple[6] as number | undefined) ?? 0),
        schemas: tuple[5] as unknown[],
      };
    }
    case 1:
      return { kind: 'list', member: tuple[4] };
    case 2:
      return { kind: 'map', member: tuple[5] };
    default:
      return { kind: 'simple' };
  }
}

function compare(
  zodSchema: $ZodType,
  sdkSchema: unknown,
  path: string,
  mismatches: string[],
): void {
  const shape = sdkShape(sdkSchema);
  const def = defOf(zodSchema);
  if (shape.kind === 'structure') {
    if (def.type !== 'object') {
      mismatches.push(`${path}: a structure in the SDK, ${def.type} in the schema`);
      return;
    }
    const ours = Object.keys(def.shape!);
    const missing = shape.members.filter((m) => !ours.includes(m));
    const extra = ours.filter((m) => !shape.members.includes(m));
    if (missing.length) mismatches.push(`${path}: missing ${missing.join(', ')}`);
    if (extra.length) mismatches.push(`${path}: not in the SDK: ${extra.join(', ')}`);
    shape.members.forEach((name, i) => {
      const member = def.shape![name];
      if (!member) return;
      const { schema, optional } = unwrapOptional(member);
      if (optional === shape.required.includes(name)) {
        mismatches.push(
          `${path}.${name}: ${optional ? 'optional' : 'required'} here, not in the SDK`,
        );
      }
      if (name !== 'ClientToken') compare(schema, shape.schemas[i], `${path}.${name}`, mismatches);
    });
  } else if (shape.kind === 'list') {
    if (def.type !== 'array') mismatches.push(`${path}: a list in the SDK, ${def.type} here`);
    else compare(def.element!, shape.member, `${path}[]`, mismatches);
  } else if (shape.kind === 'map') {
    if (def.type !== 'record') mismatches.push(`${path}: a map in the SDK, ${def.type} here`);
    else compare(def.valueType!, shape.member, `${path}{}`, mismatches);
  } else if (['object', 'array', 'record'].includes(def.type)) {
    mismatches.push(`${path}: a scalar in the SDK, ${def.type} here`);
  }
}

describe('the manifest schema and the SDK', () => {
  it('agree on every member of CreateModelPackageInput, at every depth', () => {
    const input = (sdk as unknown as Record<string, unknown>).CreateModelPackageInput$;
    expect(Array.isArray(input)).toBe(true);
    const mismatches: string[] = [];
    compare(manifestSchema, input, 'CreateModelPackageInput', mismatches);
    expect(mismatches).toEqual([]);
  });
});

/** The SDK's enum for each emulator rule with an enum, by `<shape>.<member>`. */
const EMULATOR_ENUMS: Record<string, string> = {
  'CreateModelPackageInput.ModelPackageRegistrationType': 'ModelPackageRegistrationType',
  'CreateModelPackageInput.ModelApprovalStatus': 'ModelApprovalStatus',
  'CreateModelPackageInput.SkipModelValidation': 'SkipModelValidation',
  'CreateModelPackageInput.ManagedStorageType': 'ManagedStorageType',
  'UpdateModelPackageInput.ModelApprovalStatus': 'ModelApprovalStatus',
  'UpdateModelPackageInput.ModelPackageRegistrationType': 'ModelPackageRegistrationType',
  'ListModelPackagesInput.ModelApprovalStatus': 'ModelApprovalStatus',
  'ListModelPackagesInput.ModelPackageType': 'ModelPackageType',
  'ListModelPackagesInput.SortBy': 'ModelPackageSortBy',
  'ListModelPackagesInput.SortOrder': 'SortOrder',
  'SearchRequest.Resource': 'ResourceType',
  'SearchRequest.SortOrder': 'SearchSortOrder',
  'SearchRequest.CrossAccountFilterOption': 'CrossAccountFilterOption',
  'SearchExpression.Operator': 'BooleanOperator',
  'Filter.Operator': 'Operator',
  'ModelPackageModelCard.ModelCardStatus': 'ModelCardStatus',
};

describe("the SageMaker emulator's member rules and the SDK", () => {
  it('name members the SDK has, and require the members the SDK requires', () => {
    const mismatches: string[] = [];
    for (const [name, rules] of Object.entries(MEMBER_RULES)) {
      const shape = sdkShape((sdk as unknown as Record<string, unknown>)[`${name}$`]);
      if (shape.kind !== 'structure') {
        mismatches.push(`${name}: not a structure in the SDK`);
        continue;
      }
      for (const [member, rule] of Object.entries(rules)) {
        const required = 'required' in rule && rule.required === true;
        if (!shape.members.includes(member)) mismatches.push(`${name}.${member}: not in the SDK`);
        else if (required !== shape.required.includes(member)) {
          mismatches.push(`${name}.${member}: ${required ? 'required' : 'optional'} here`);
        }
      }
      for (const member of shape.required.filter((m) => !(m in rules))) {
        mismatches.push(`${name}.${member}: required in the SDK, without a rule here`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("allow exactly the values of the SDK's enums", () => {
    const enums = Object.entries(MEMBER_RULES).flatMap(([name, rules]) =>
      Object.entries(rules).flatMap(([member, rule]) =>
        rule.type === 'string' && rule.enum ? [[`${name}.${member}`, rule.enum] as const] : [],
      ),
    );
    expect(enums.map(([path]) => path).sort()).toEqual(Object.keys(EMULATOR_ENUMS).sort());
    for (const [path, values] of enums) {
      const sdkEnum = (sdk as unknown as Record<string, Record<string, string>>)[
        EMULATOR_ENUMS[path]!
      ];
      expect([path, [...values].sort()]).toEqual([path, Object.values(sdkEnum ?? {}).sort()]);
    }
  });
});
