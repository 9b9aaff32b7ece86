/** The action's outputs (action.yml), derived from a run's outcome. */
import { aggregateStatus, type Outcome } from './results.js';

/** Every output of action.yml; a test keeps the two equal. */
export const OUTPUT_NAMES = [
  'model-package-arn',
  'model-package-version',
  'status',
  'failure-reason',
  'results',
  'comment-url',
] as const;

export type Outputs = Record<(typeof OUTPUT_NAMES)[number], string>;

export function outputsOf(outcome: Outcome, commentUrl = ''): Outputs {
  const { results, failure } = outcome;
  const first = results[0];
  return {
    'model-package-arn': first?.arn ?? '',
    'model-package-version': first?.version != null ? String(first.version) : '',
    status: aggregateStatus(results),
    'failure-reason': failure?.reason ?? results.find((r) => r.failureReason)?.failureReason ?? '',
    results: JSON.stringify(results),
    'comment-url': commentUrl,
  };
}
