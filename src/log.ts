/** Where the modules that talk to AWS write their log lines; main passes @actions/core's. */
export interface Log {
  info(message: string): void;
  warning(message: string): void;
}
