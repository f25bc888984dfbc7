/** Raised by `withDeadline` when the deadline passes first. */
export class DeadlineExceeded extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no result within ${timeoutMs} ms`);
    this.name = 'DeadlineExceeded';
  }
}

/**
 * Settles with `work`, or rejects with DeadlineExceeded once `timeoutMs` passes. The work is not
 * cancelled (kafkajs has no cancellation); its later rejection is observed so it never surfaces
 * as an unhandled rejection.
 */
export async function withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(timeoutMs)), timeoutMs);
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
