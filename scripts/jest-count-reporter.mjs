/**
 * Ends a jest run with one plain line, "N passed, N failed, N skipped", printed as the
 * process exits so that it comes after jest's own summary.
 */
export default class CountReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = results;
    const line = `${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped\n`;
    process.once('exit', () => process.stdout.write(line));
  }
}
