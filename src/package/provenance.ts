/**
 * Provenance (SPEC §4): MetadataProperties.CommitId, .Repository and .GeneratedBy come
 * from the run unless the manifest sets them.
 */
import type { ModelPackageManifest } from '../manifest/schema.js';
import { repositoryUrl, runUrl, type WorkflowRun } from '../workflow-run.js';

export function withProvenance(
  request: ModelPackageManifest,
  run: WorkflowRun,
): ModelPackageManifest {
  const fromRun = {
    CommitId: run.sha || undefined,
    Repository: repositoryUrl(run),
    GeneratedBy: runUrl(run),
  };
  const metadata = { ...request.MetadataProperties };
  for (const [key, value] of Object.entries(fromRun) as [
    keyof typeof fromRun,
    string | undefined,
  ][]) {
    if (metadata[key] === undefined && value !== undefined) metadata[key] = value;
  }
  return Object.keys(metadata).length ? { ...request, MetadataProperties: metadata } : request;
}
