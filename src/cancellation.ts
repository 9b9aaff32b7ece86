/** Cancellation of the job: the runner sends SIGINT, then SIGTERM. */
import type { Log } from './runner/port.js';

/** An AbortSignal that aborts on the first SIGINT or SIGTERM, until disposed. */
export function onCancel(log: Log): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const cancel = (name: string) => {
    if (controller.signal.aborted) return;
    log.warning(`Received ${name}: the run is cancelled; SageMaker keeps validating the packages.`);
    controller.abort();
  };
  const onInt = () => cancel('SIGINT');
  const onTerm = () => cancel('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
