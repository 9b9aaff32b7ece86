/** action.yml documents the inputs and outputs the code has: neither can drift from the other. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { INPUTS } from '../src/inputs.js';
import { OUTPUT_NAMES } from '../src/outputs.js';
import { ROOT } from './harness/dist-action.js';

const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string; description: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
};

describe('action.yml', () => {
  it('declares every input the code reads, with the same defaults', () => {
    const declared = Object.fromEntries(
      Object.entries(action.inputs).map(([name, input]) => [name, String(input.default ?? '')]),
    );
    expect(declared).toEqual(INPUTS);
    for (const input of Object.values(action.inputs)) expect(input.required).not.toBe(true);
  });

  it('declares every output the code sets', () => {
    expect(Object.keys(action.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
  });

  it('runs the bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });
});
