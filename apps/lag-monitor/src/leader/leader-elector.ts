import { performance } from 'node:perf_hooks';
import type { Logger } from '@lagscale/kafka-core';
import { afterWrite, createElectionState, elect, isLeading, releaseAction, type ElectionAction, type ElectionState } from './elect.js';
import type { LeaderElectionOptions } from './election-options.js';
import type { LeaseApi, LeaseWriteResult } from './lease.js';

/** Monotonic time for deadlines, wall time for what is written into the Lease. */
export interface ElectionClock {
  nowMs(): number;
  wallMs(): number;
}

const systemClock: ElectionClock = { nowMs: () => performance.now(), wallMs: () => Date.now() };

export interface LeaderElectorOptions extends LeaderElectionOptions {
  api: LeaseApi;
  logger: Logger;
  clock?: ElectionClock;
  /** Called when this replica starts or stops leading, as the loop notices it. */
  onChange?: (leading: boolean) => void;
}

/** What /status shows of the election. */
export interface LeaderStatus {
  lease: string;
  identity: string;
  leading: boolean;
  /** Holder as last read; undefined when nobody holds it or it was never read. */
  holder: string | undefined;
  leaseTransitions: number | undefined;
  /** The last read or write that failed, until one succeeds. */
  lastError: string | undefined;
}

export interface LeaderElector {
  readonly identity: string;
  /** True while this replica may act; checked right before each actuation. */
  isLeader(): boolean;
  status(): LeaderStatus;
  /** Starts the loop; the first look at the Lease happens at once. */
  start(): void;
  /** Ends the loop and hands the Lease back if held. Safe to call many times. */
  stop(): Promise<void>;
}

/**
 * The thin I/O loop around `elect`: read the Lease, let the pure function decide, make the write
 * it asks for, and look again when it says. Leading is a deadline, not a flag, so a process that
 * stalls (a long GC, SIGSTOP, a hung call) finds itself no longer leading when it wakes.
 */
export function createLeaderElector(options: LeaderElectorOptions): LeaderElector {
  const { api, logger } = options;
  const clock = options.clock ?? systemClock;
  let state: ElectionState = createElectionState();
  let holder: string | undefined;
  let lastError: string | undefined;
  let wasLeading = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;

  function noticeChange(): void {
    const leading = isLeading(state, clock.nowMs());
    if (leading === wasLeading) return;
    wasLeading = leading;
    if (leading) logger.info({ lease: api.target, identity: options.identity }, 'leader election: became the leader; actuating');
    else logger.warn({ lease: api.target, identity: options.identity, holder }, 'leader election: not the leader any more; not actuating');
    options.onChange?.(leading);
  }

  function noteError(message: string | undefined): void {
    if (message !== undefined && message !== lastError) logger.warn({ lease: api.target }, `leader election: ${message}`);
    if (message === undefined && lastError !== undefined) logger.info({ lease: api.target }, 'leader election: the Lease answers again');
    lastError = message;
  }

  async function send(action: Exclude<ElectionAction, { kind: 'wait' }>): Promise<LeaseWriteResult> {
    return action.kind === 'create' ? api.create(action.claim) : api.update(action.claim, action.resourceVersion);
  }

  async function step(): Promise<number> {
    const read = await api.read();
    const decided = elect(state, { nowMs: clock.nowMs(), wallMs: clock.wallMs(), read }, options);
    state = decided.state;
    if (decided.holder !== holder && read.kind === 'found') {
      holder = decided.holder;
      if (holder !== options.identity) logger.info({ lease: api.target, holder: holder ?? '(none)' }, 'leader election: lease holder');
    }
    let error = read.kind === 'failed' ? read.message : undefined;
    if (decided.action.kind !== 'wait') {
      const startedAtMs = clock.nowMs();
      const result = await send(decided.action);
      state = afterWrite(state, startedAtMs, result, options);
      if (result.kind === 'written') holder = result.record.holderIdentity || undefined;
      // A conflict is the normal end of a race for the Lease, not an error.
      if (result.kind === 'failed') error = result.message;
    }
    noteError(error);
    noticeChange();
    return decided.nextStepInMs;
  }

  function schedule(delayMs: number): void {
    if (stopping !== undefined) return;
    timer = setTimeout(() => {
      running = step()
        .catch((err: unknown) => {
          noteError(err instanceof Error ? err.message : String(err));
          return options.retryPeriodMs;
        })
        .then((next) => {
          running = undefined;
          schedule(next);
        });
    }, delayMs);
  }

  async function release(): Promise<void> {
    const action = releaseAction(state, clock.nowMs(), clock.wallMs(), options);
    state = { ...state, leadingUntilMs: undefined };
    noticeChange();
    if (action === undefined || action.kind === 'wait') return;
    const result = await send(action);
    if (result.kind === 'written') logger.info({ lease: api.target }, 'leader election: released the Lease for the next replica');
    else logger.warn({ lease: api.target }, `leader election: could not release the Lease (${result.message}); it expires by itself`);
  }

  return {
    identity: options.identity,
    isLeader: () => isLeading(state, clock.nowMs()),
    status: () => ({
      lease: api.target,
      identity: options.identity,
      leading: isLeading(state, clock.nowMs()),
      holder,
      leaseTransitions: state.observed?.record.leaseTransitions,
      lastError,
    }),
    start() {
      if (timer === undefined && stopping === undefined) schedule(0);
    },
    stop() {
      stopping ??= (async () => {
        if (timer !== undefined) clearTimeout(timer);
        await running;
        await release();
      })();
      return stopping;
    },
  };
}
