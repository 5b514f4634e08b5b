import type { ErrorClass } from "../../core/probe-result";

/** A failure inside a step: it carries the class, the OCI code when there is one, and the step. */
export class StepFailure extends Error {
  constructor(
    readonly errorClass: ErrorClass,
    message: string,
    readonly ociCode?: string,
  ) {
    super(message);
  }
}
