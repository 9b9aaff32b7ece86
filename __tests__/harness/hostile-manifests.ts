/**
 * Manifests of hostile shapes, each as large as asked (1 MiB, the largest a manifest may
 * be, by default): for `npm run bench` and the tests of the checker's limits.
 */

export const MiB = 1024 * 1024;

/** Repeats `unit(i)` between `head` and `tail` while the whole stays within `bytes`. */
function fill(
  bytes: number,
  unit: (i: number) => string,
  head = '',
  tail = (_count: number) => '',
): string {
  const parts = [head];
  let size = Buffer.byteLength(head) + 64;
  for (let i = 0; ; i++) {
    const part = unit(i);
    const length = Buffer.byteLength(part);
    if (size + length > bytes) return parts.join('') + tail(i);
    parts.push(part);
    size += length;
  }
}

/** `open` repeated as often as fits, then `middle`, then `close` as often. */
function nest(bytes: number, open: string, middle: string, close: string): string {
  const levels = Math.floor((bytes - middle.length - 1) / (open.length + close.length));
  return `${open.repeat(levels)}${middle}${close.repeat(levels)}\n`;
}

/** A valid versioned manifest that the shapes below add to. */
const GROUP = `ModelPackageGroupName: hostile
InferenceSpecification:
  Containers:
    - Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/hostile:1
  SupportedContentTypes: [text/csv]
  SupportedResponseMIMETypes: [text/csv]
`;

export const HOSTILE_SHAPES: Record<string, (bytes?: number) => string> = {
  'unknown top-level keys': (bytes = MiB) => fill(bytes, (i) => `Key${i}: v\n`),
  'Chinese keys (multi-byte)': (bytes = MiB) => fill(bytes, (i) => `模型包名称${i}: 值\n`),
  'duplicate keys': (bytes = MiB) => fill(bytes, () => 'ModelPackageGroupName: g\n'),
  'a long line (one flow mapping)': (bytes = MiB) =>
    fill(
      bytes,
      (i) => `Key${i}: v, `,
      '{',
      () => 'Last: v}\n',
    ),
  'nested flow mappings': (bytes = MiB) => nest(bytes, '{a: ', '1', '}'),
  'nested flow lists': (bytes = MiB) => nest(bytes, '[', '1', ']'),
  'nested block lists': (bytes = MiB) => nest(bytes, '- ', 'x', ''),
  'nested block mappings': (bytes = MiB) => {
    const lines: string[] = [];
    let size = 0;
    for (let depth = 0; size + depth + 3 <= bytes; depth++) {
      lines.push(`${' '.repeat(depth)}a:\n`);
      size += depth + 3;
    }
    return lines.join('');
  },
  'a huge list of unknown instance types': (bytes = MiB) =>
    fill(bytes, (i) => `    - ml.x${i}.large\n`, `${GROUP}  SupportedTransformInstanceTypes:\n`),
  'a huge list of invalid tags': (bytes = MiB) =>
    fill(bytes, (i) => `  - {Key: '', Value: v${i}}\n`, 'ModelPackageName: hostile\nTags:\n'),
  'one huge string': (bytes = MiB) =>
    `${GROUP}ModelPackageDescription: ${'x'.repeat(bytes - GROUP.length - 64)}\n`,
  'one huge key': (bytes = MiB) => `${GROUP}${'K'.repeat(bytes - GROUP.length - 64)}: v\n`,
  'many expressions in one string': (bytes = MiB) =>
    fill(
      bytes,
      (i) => `\${{ nope.x${i} }} `,
      `${GROUP}ModelPackageDescription: "`,
      () => '"\n',
    ),
  'many aliases': (bytes = MiB) => fill(bytes, () => '  - *a\n', `${GROUP}X: &a v\nY:\n`),
  'a model card of many wrong values': (bytes = MiB) =>
    fill(
      bytes,
      (i) => `        detail${i}: ${i}\n`,
      `${GROUP}ModelCard:\n  ModelCardContent:\n    additional_information:\n      custom_details:\n`,
    ),
  'a model card of deep JSON in a string': (bytes = MiB) => {
    const head = `${GROUP}ModelCard:\n  ModelCardContent: '{"additional_information": {"custom_details": {"a": `;
    const tail = `}}}'\n`;
    const levels = Math.floor((bytes - head.length - tail.length - 64) / 2);
    return `${head}${'['.repeat(levels)}${']'.repeat(levels)}${tail}`;
  },
  'nested anchors and aliases': (bytes = MiB) => {
    // Each anchored mapping holds the next one and, after it, an alias to it.
    const levels = 50;
    let nested = 'end: v';
    for (let i = levels; i >= 1; i--) nested = `n: &a${i} {${nested}}, r: *a${i}`;
    return fill(bytes, (i) => `Key${i}: v\n`, `${GROUP}X: {${nested}}\n`);
  },
};
