import { describe, expect, it } from '@jest/globals';
import type { CreateModelPackageInput } from '@aws-sdk/client-sagemaker';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  manifestJsonSchema,
  MANIFEST_MEMBERS,
  type ModelPackageManifest,
} from '../src/manifest/schema.js';

/**
 * Compile-time: every member the schema accepts exists in the SDK's CreateModelPackage
 * input with a compatible type, and the SDK has no member the schema lacks.
 */
type Widen<T> = T extends string
  ? string
  : T extends readonly (infer U)[]
    ? Widen<U>[]
    : T extends object
      ? { [K in keyof T]: Widen<Exclude<T[K], undefined>> }
      : T;
type SdkInput = Widen<Required<CreateModelPackageInput>>;
const schemaFitsSdk = (m: Widen<Required<ModelPackageManifest>>): SdkInput => m;
// ClientToken is the one member the schema refuses: the action sets it.
const sdkFitsSchema = (
  m: Omit<SdkInput, 'ClientToken'>,
): Omit<Widen<Required<ModelPackageManifest>>, 'ClientToken'> => m;

describe('the manifest schema', () => {
  it('has the members of the SDK input, checked at compile time', () => {
    expect(typeof schemaFitsSdk).toBe('function');
    expect(typeof sdkFitsSchema).toBe('function');
    expect(MANIFEST_MEMBERS).toContain('ModelPackageName');
    expect(MANIFEST_MEMBERS).toContain('ClientToken');
  });

  it('is committed as a JSON Schema that is up to date', () => {
    const committed = JSON.parse(readFileSync('schema/model-package.schema.json', 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(manifestJsonSchema())));
    expect(Object.keys(committed.properties)).toEqual(MANIFEST_MEMBERS);
    expect(committed.additionalProperties).toBe(false);
    expect(committed.properties.ClientToken).toEqual({ not: {} });
  });

  it('describes the examples, whose yaml-language-server line points at it', () => {
    for (const example of ['marketplace', 'registry', 'algorithm']) {
      const text = readFileSync(`examples/${example}/model-package.yml`, 'utf8');
      expect(text.split('\n')[0]).toBe(
        '# yaml-language-server: $schema=../../schema/model-package.schema.json',
      );
      const keys = Object.keys(parse(text) as object);
      for (const key of keys) expect(MANIFEST_MEMBERS).toContain(key);
    }
  });
});
