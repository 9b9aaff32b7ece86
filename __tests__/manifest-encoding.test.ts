/**
 * A manifest is UTF-8 (SPEC §8): other encodings are errors that name them, and bytes
 * that are not UTF-8 are errors at their line and column, never replacement characters.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeManifest, firstInvalidByte } from '../src/manifest/encoding.js';
import { loadManifest } from '../src/manifest/load.js';
import { CONTEXT, MARKETPLACE } from './harness/manifests.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'smp-encoding-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function load(bytes: Uint8Array) {
  const file = path.join(dir, 'model-package.yml');
  writeFileSync(file, bytes);
  return loadManifest(file, 'model-package.yml', { region: 'us-east-1', context: CONTEXT });
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
function utf32(text: string, littleEndian: boolean): Buffer {
  const points = [...text].map((c) => c.codePointAt(0)!);
  const out = Buffer.alloc(points.length * 4);
  points.forEach((p, i) =>
    littleEndian ? out.writeUInt32LE(p, i * 4) : out.writeUInt32BE(p, i * 4),
  );
  return out;
}
const bom = (bytes: number[], rest: Buffer) => Buffer.concat([Buffer.from(bytes), rest]);

describe('other encodings', () => {
  it.each([
    ['UTF-16 (little-endian)', bom([0xff, 0xfe], Buffer.from(MARKETPLACE, 'utf16le'))],
    ['UTF-16 (big-endian)', bom([0xfe, 0xff], utf16be(MARKETPLACE))],
    ['UTF-32 (little-endian)', bom([0xff, 0xfe, 0, 0], utf32(MARKETPLACE, true))],
    ['UTF-32 (big-endian)', bom([0, 0, 0xfe, 0xff], utf32(MARKETPLACE, false))],
  ])('%s with a byte order mark is refused, named', async (encoding, bytes) => {
    const { problems, request } = await load(bytes);
    expect(request).toBeUndefined();
    expect(problems).toEqual([
      {
        severity: 'error',
        file: 'model-package.yml',
        line: 1,
        column: 1,
        member: '',
        message: `the manifest is ${encoding}, not UTF-8; save the manifest as UTF-8`,
      },
    ]);
  });

  it.each([
    ['UTF-16 (little-endian)', Buffer.from(MARKETPLACE, 'utf16le')],
    ['UTF-16 (big-endian)', utf16be(MARKETPLACE)],
    ['UTF-32 (little-endian)', utf32(MARKETPLACE, true)],
    ['UTF-32 (big-endian)', utf32(MARKETPLACE, false)],
  ])('%s without one is recognised by its NUL bytes', async (encoding, bytes) => {
    const [problem] = (await load(bytes)).problems;
    expect(problem!.message).toBe(
      `the manifest is ${encoding}, not UTF-8; save the manifest as UTF-8`,
    );
  });

  it('UTF-16 that starts with characters whose code units hold no NUL byte is recognised too', async () => {
    const text = `模型: x\n${MARKETPLACE}`;
    for (const [encoding, bytes] of [
      ['little-endian', Buffer.from(text, 'utf16le')],
      ['big-endian', utf16be(text)],
    ] as const) {
      const [problem] = (await load(bytes)).problems;
      expect(problem!.message).toBe(
        `the manifest is UTF-16 (${encoding}), not UTF-8; save the manifest as UTF-8`,
      );
    }
  });

  it('a NUL byte in UTF-8 text is an error at its position', async () => {
    const [problem] = (await load(utf8('ModelPackageName: a\nX: "b\0c"\n'))).problems;
    expect(problem).toMatchObject({ line: 2, column: 6 });
    expect(problem!.message).toContain('a NUL byte at line 2, column 6');
  });
});

describe('bytes that are not UTF-8', () => {
  it('are an error at the line and column of the first one', async () => {
    const latin1 = Buffer.from(
      'ModelPackageName: churn\nModelPackageDescription: café\n',
      'latin1',
    );
    const { problems, request } = await load(latin1);
    expect(request).toBeUndefined();
    expect(problems).toEqual([
      {
        severity: 'error',
        file: 'model-package.yml',
        line: 2,
        column: 29,
        member: '',
        message: 'not UTF-8: byte 0xE9 at line 2, column 29; save the manifest as UTF-8',
      },
    ]);
  });

  it('count the characters before them on their line, not the bytes', async () => {
    const bytes = Buffer.concat([utf8('a: 1\nb: 模型 '), Buffer.from([0xff]), utf8('\n')]);
    const [problem] = (await load(bytes)).problems;
    expect(problem).toMatchObject({ line: 2, column: 7 });
    expect(problem!.message).toBe(
      'not UTF-8: byte 0xFF at line 2, column 7; save the manifest as UTF-8',
    );
  });

  it.each([
    ['a lone continuation byte', [0x61, 0x80, 0x61], 1],
    ['a sequence cut short by another character', [0x61, 0xe6, 0xa8, 0x61], 1],
    ['a sequence cut short by the end of the file', [0x61, 0x61, 0xe6, 0xa8], 2],
    ['an overlong encoding', [0xc0, 0xaf], 0],
    ['an overlong three-byte encoding', [0x61, 0xe0, 0x80, 0xaf], 1],
    ['a surrogate', [0x61, 0xed, 0xa0, 0x80], 1],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a byte that is never UTF-8', [0x61, 0x61, 0x61, 0xf5], 3],
  ])('%s', (_, bytes, offset) => {
    const input = Uint8Array.from(bytes);
    expect(firstInvalidByte(input)).toBe(offset);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(input)).toThrow();
  });

  it('well-formed UTF-8 of every length has none', () => {
    const text = 'a é 模 😀 \u{10ffff}';
    expect(firstInvalidByte(utf8(text))).toBe(-1);
    expect(decodeManifest(utf8(text))).toEqual({ text });
  });
});

describe('UTF-8', () => {
  it('with a byte order mark is read, positions unchanged', async () => {
    const plain = await load(utf8(`${MARKETPLACE}Extra: 1\n`));
    const marked = await load(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(`${MARKETPLACE}Extra: 1\n`)]),
    );
    expect(marked.problems).toEqual(plain.problems);
    expect(marked.problems[0]).toMatchObject({ line: 26, column: 1, member: 'Extra' });

    const first = await load(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(`Extra: 1\n${MARKETPLACE}`)]),
    );
    expect(first.problems[0]).toMatchObject({ line: 1, column: 1, member: 'Extra' });
  });

  it('with multi-byte characters is read as it is written', async () => {
    const text = MARKETPLACE.replace('Predicts churn.', 'Prédit le churn — 模型.');
    const { request, problems } = await load(utf8(text));
    expect(problems).toEqual([]);
    expect(request?.ModelPackageDescription).toBe('Prédit le churn — 模型.');
  });
});
