/** Where replicas live. One file per kind; `current()` reads, `scale()` sets. */
export interface Actuator {
  readonly kind: string;
  /** Replicas the target runs (or is set to run) now. */
  current(): Promise<number>;
  /** Sets the replica count; resolves once the change is accepted (not when pods are ready). */
  scale(replicas: number): Promise<void>;
  /** Releases what the actuator holds (the local one stops its processes). Safe to call twice. */
  stop(): Promise<void>;
}
