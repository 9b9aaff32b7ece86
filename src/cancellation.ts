/** Cancellation of the job: the runner sends SIGINT, then SIGTERM. */
import { setMaxListeners } from 'node:events';
import type { Log } from './runner/port.js';

/** An AbortSignal that aborts on the first SIGINT or SIGTERM, until disposed. */
export function onCancel(log: Log): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  // Every AWS request of the run listens to the signal while it is in flight (the SDK
  // removes its listeners when the request ends), and a run obtains its packages side by
  // side, as many as 'max-manifests' allows: 100 packages are 100 requests at once. Node's
  // warning of a leak past 10 listeners would be printed to the log for nothing.
  setMaxListeners(Infinity, controller.signal);
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
