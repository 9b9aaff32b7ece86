/**
 * The hidden marker that starts each pull-request comment of the action, by which a later
 * run finds the comment again: written and read here only. A job with a `label` adds it to
 * the marker, so the jobs of a matrix over one manifest keep a comment each; without a
 * label the marker is the one earlier versions wrote. The one comment of `comment: combined`
 * has a marker of its own, which no manifest's marker matches, nor it theirs.
 */
const PREFIX = '<!-- sagemaker-model-package-action manifest=';
const LABEL = ' label=';
const SUFFIX = ' -->';

/** The marker of a manifest's comment (of a job's `label`): the first line of its body. */
export function commentMarker(manifest: string, label?: string): string {
  const labelled = label ? `${LABEL}${encodeURIComponent(label)}` : '';
  return `${PREFIX}${encodeURIComponent(manifest)}${labelled}${SUFFIX}`;
}

/**
 * The manifest a comment is about, when its body starts with a marker line of `label`
 * (no label: a marker without one). A comment of another label is not found.
 */
export function markedManifest(
  body: string | null | undefined,
  label?: string,
): string | undefined {
  const firstLine = (body ?? '').split('\n', 1)[0]!.replace(/\r$/, '');
  if (!firstLine.startsWith(PREFIX) || !firstLine.endsWith(SUFFIX)) return undefined;
  const inner = firstLine.slice(PREFIX.length, firstLine.length - SUFFIX.length);
  const encoded = inner.split(LABEL, 1)[0]!;
  if (!/^[^\s]+$/.test(encoded)) return undefined;
  try {
    const manifest = decodeURIComponent(encoded);
    return commentMarker(manifest, label) === firstLine ? manifest : undefined;
  } catch {
    return undefined;
  }
}

const COMBINED = '<!-- sagemaker-model-package-action combined';

/** The marker of the one comment of `comment: combined` (of a job's `label`). */
export function combinedMarker(label?: string): string {
  const labelled = label ? `${LABEL}${encodeURIComponent(label)}` : '';
  return `${COMBINED}${labelled}${SUFFIX}`;
}

/** Whether a comment's body starts with the combined marker line of `label`, exactly. */
export function isCombinedMarked(body: string | null | undefined, label?: string): boolean {
  const firstLine = (body ?? '').split('\n', 1)[0]!.replace(/\r$/, '');
  return firstLine === combinedMarker(label);
}
