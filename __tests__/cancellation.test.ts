/** The run's cancellation signal, which every AWS request of the run listens to while in flight. */
import { getMaxListeners } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import { onCancel } from '../src/cancellation.js';
import { silentLog } from '../src/runner/port.js';

describe('onCancel', () => {
  it('takes the listeners of 100 packages obtained side by side without a warning of a leak', () => {
    const cancel = onCancel(silentLog);
    try {
      // Node writes MaxListenersExceededWarning to stderr once an EventTarget has more
      // listeners than its limit (10 by default). The AWS SDK listens to the signal once or
      // twice per request in flight; a run of 100 packages has 100 requests in flight at
      // once. (jest's process object does not see Node's own warnings: the limit is read.)
      expect(getMaxListeners(cancel.signal)).toBeGreaterThanOrEqual(200);
    } finally {
      cancel.dispose();
    }
  });
});
