/**
 * The hidden marker that starts each pull-request comment of the action, by which a later
 * run finds the comment again: written and read here only.
 */
const PREFIX = '<!-- sagemaker-model-package-action manifest=';
const SUFFIX = ' -->';

/** The marker of a manifest's comment: the first line of its body. */
export function commentMarker(manifest: string): string {
  return `${PREFIX}${encodeURIComponent(manifest)}${SUFFIX}`;
}

/** The manifest a comment is about, when its body starts with a marker line. */
export function markedManifest(body: string | null | undefined): string | undefined {
  const firstLine = (body ?? '').split('\n', 1)[0]!.replace(/\r$/, '');
  if (!firstLine.startsWith(PREFIX) || !firstLine.endsWith(SUFFIX)) return undefined;
  const encoded = firstLine.slice(PREFIX.length, firstLine.length - SUFFIX.length);
  if (!/^[^\s]+$/.test(encoded)) return undefined;
  try {
    const manifest = decodeURIComponent(encoded);
    return commentMarker(manifest) === firstLine ? manifest : undefined;
  } catch {
    return undefined;
  }
}
