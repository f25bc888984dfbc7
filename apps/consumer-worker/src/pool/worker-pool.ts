import { AppError } from '@lagscale/kafka-core';
import { Piscina } from 'piscina';
import { BucketCounts, type BucketSnapshot } from '@lagscale/kafka-core/thread';
import { HANDLER_SECONDS_BUCKETS } from '../metrics/histogram-buckets.js';
import { packChunk, type PackedChunk } from './chunk-codec.js';
import { handlerIsStateful } from '../handlers/registry.js';
import type { ChunkExecutor, OutputRecord, PooledRecord, RecordOutcome, ReleasedState } from './executor.js';
import { splitByThread } from './keyed-routing.js';
import { unpackResults, type PackedResults } from './result-codec.js';
import { defaultWorkerPoolOptions, validateWorkerPoolOptions, type WorkerPoolOptions } from './pool-options.js';
import type { RevokeTask, WorkerSetup } from './worker.js';
import { workerEntry } from './worker-entry.js';

/** Timing summary of one piscina histogram, milliseconds. */
export interface TimingSummaryMs {
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

/** A snapshot of the pool for metrics. */
export interface WorkerPoolStats {
  /** Live threads (a dead thread's replacement included). */
  threads: number;
  /** Threads started to replace one that died, since start. */
  threadRestarts: number;
  /** Chunks waiting for a thread. */
  queued: number;
  /** Share of the threads' time spent running chunks since start, 0..1. */
  utilization: number;
  /** Chunks completed since start. */
  completed: number;
  /** Time chunks waited for a thread. */
  waitTime: TimingSummaryMs;
  /** Time chunks ran in a thread. */
  runTime: TimingSummaryMs;
}

type Histogram = { mean: number; p50: number; p99: number; max: number };

/** One histogram's summary, or over several pools (keyed state): mean of the means, highest p50, p99 and max. */
function summary(histograms: readonly Histogram[]): TimingSummaryMs {
  const finite = (n: number) => (Number.isFinite(n) ? n : 0);
  const of = (pick: (h: Histogram) => number) => histograms.map((h) => finite(pick(h)));
  const means = of((h) => h.mean);
  return {
    mean: means.reduce((a, b) => a + b, 0) / Math.max(1, means.length),
    p50: Math.max(0, ...of((h) => h.p50)),
    p99: Math.max(0, ...of((h) => h.p99)),
    max: Math.max(0, ...of((h) => h.max)),
  };
}

/**
 * Runs chunks of records on piscina worker threads, each thread with its own instance of the
 * configured handler. A chunk travels as a transferred index into shared arenas of record
 * bytes (`chunk-codec`, `record-arena`); its results come back as one transferred buffer, or
 * none when nothing was produced (`result-codec`).
 *
 * Keyed state (`keyedState`, docs/decisions/0023) makes the threads addressable: one piscina of
 * one thread per thread, so a task goes to the thread it names and runs after the tasks sent to
 * that thread before it. A chunk is split by `threadOf` (a key always to the same thread) into a
 * share per thread; its outcomes come back in the chunk's order once every share ran. Without it,
 * one piscina of `threads` threads runs each chunk on whichever thread is free.
 *
 * Lifecycle: the constructor only validates; `start()` spawns the threads and loads the handler
 * in them, so a bad handler fails start; `close()` destroys the threads, may be called many times
 * and shares one promise. A thread that dies mid-chunk rejects that chunk's `run()` and piscina
 * starts a replacement (with keyed state, in the same place: its keys keep their thread).
 */
export class WorkerPool implements ChunkExecutor {
  readonly options: Readonly<WorkerPoolOptions>;
  /** One piscina of `threads` threads, or with keyed state one of one thread per thread. */
  #piscinas: Array<Piscina<PackedChunk, PackedResults>> = [];
  #keyed = false;
  #starting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  readonly #handlerSeconds = new BucketCounts(HANDLER_SECONDS_BUCKETS);
  #busyMs = 0;
  #threadsCreated = 0;
  #startedAtMs = 0;

  constructor(options: Partial<WorkerPoolOptions> = {}) {
    this.options = { ...defaultWorkerPoolOptions, ...options };
    validateWorkerPoolOptions(this.options);
  }

  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    if (this.#closing !== undefined) throw new AppError('SHUTTING_DOWN', 'worker pool is closed', { retriable: false });
    const { threads, handler, handlerOptions, maxQueue, idleTimeoutMs, keyedState } = this.options;
    const entry = workerEntry(import.meta.url);
    try {
      this.#keyed = keyedState === 'on' || (keyedState === 'auto' && (await handlerIsStateful(handler)));
    } catch (error) {
      throw new AppError('CONFIG_INVALID', `worker pool cannot start handler "${handler}": ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
        retriable: false,
      });
    }
    const setup: WorkerSetup = { handler, handlerOptions, keyed: this.#keyed };
    const perPiscina = this.#keyed ? 1 : threads;
    for (let i = 0; i < threads / perPiscina; i += 1) {
      const piscina = new Piscina<PackedChunk, PackedResults>({
        filename: entry.filename,
        execArgv: entry.execArgv,
        minThreads: perPiscina,
        maxThreads: perPiscina,
        maxQueue,
        idleTimeout: idleTimeoutMs,
        workerData: setup,
        recordTiming: true,
        // A thread's tasks must run in the order sent (a key's chunks, then its revoke): by default
        // piscina puts a task it took from the queue and could not place back at the tail.
        stricterFIFO: this.#keyed,
      });
      // without a listener, an 'error' event (a thread failing between tasks) would end the process
      piscina.on('error', (error: unknown) => this.options.onThreadError?.(error));
      // the first `threads` are the pool's own; every later one replaces a thread that died
      piscina.on('workerCreate', () => {
        this.#threadsCreated += 1;
      });
      this.#piscinas.push(piscina);
    }
    this.#startedAtMs = performance.now();
    try {
      // one warm-up per piscina: with keyed state every thread loads the handler before start resolves
      await Promise.all(this.#piscinas.map((piscina) => this.#runPacked(piscina, packChunk([]))));
    } catch (error) {
      await this.close();
      throw new AppError('CONFIG_INVALID', `worker pool cannot start handler "${handler}": ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
        retriable: false,
      });
    }
  }

  /**
   * Runs one chunk; outcomes come back in the chunk's order (see `ChunkExecutor.run` for the
   * order tags). Rejects (retriable `INTERNAL`) when the chunk could not run: its thread died,
   * or the queue is full.
   */
  async run(records: readonly PooledRecord[], orderTags?: readonly number[]): Promise<RecordOutcome[]> {
    if (this.#closing !== undefined) throw new AppError('SHUTTING_DOWN', 'worker pool is closed', { retriable: false });
    const first = this.#piscinas[0];
    if (first === undefined) throw new AppError('INTERNAL', 'worker pool is not started', { retriable: false });
    try {
      if (this.#piscinas.length === 1) return this.#outcomesOf(await this.#runPacked(first, packChunk(records, orderTags)));
      const shares = splitByThread(records, orderTags, this.#piscinas.length, this.options.keyedRoute);
      if (shares.length === 1) return this.#outcomesOf(await this.#runPacked(this.#piscinas[shares[0]!.thread]!, packChunk(records, orderTags)));
      const results = await Promise.all(shares.map((share) => this.#runPacked(this.#piscinas[share.thread]!, packChunk(share.records, share.tags))));
      const outcomes = new Array<RecordOutcome>(records.length);
      shares.forEach((share, s) => {
        const shareOutcomes = this.#outcomesOf(results[s]!);
        share.positions.forEach((position, i) => (outcomes[position] = shareOutcomes[i]!));
      });
      return outcomes;
    } catch (error) {
      throw new AppError('INTERNAL', `chunk of ${records.length} records did not run: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
        retriable: true,
      });
    }
  }

  /**
   * Keyed state: each thread's handler flushes the keys of `partitions` it holds (`Handler.revoke`),
   * after the chunks sent to it before. Without keyed state there is nothing to tell: no thread
   * owns a key.
   */
  async revoke(topic: string, partitions: readonly number[]): Promise<ReleasedState> {
    const released: ReleasedState = { outputs: [], errors: [] };
    if (!this.#keyed || this.#closing !== undefined || partitions.length === 0) return released;
    const task: RevokeTask = { topic, partitions: [...partitions] };
    const settled = await Promise.allSettled(this.#piscinas.map((piscina) => piscina.run(task as unknown as PackedChunk, { name: 'revokePartitions' })));
    for (const result of settled) {
      if (result.status === 'rejected') {
        released.errors.push(`revoke of ${topic} [${partitions.join(',')}] did not run: ${result.reason instanceof Error ? result.reason.message : String(result.reason)}`);
        continue;
      }
      for (const outcome of unpackResults(result.value)) {
        if (outcome.status === 'ok') released.outputs.push(...(outcome.outputs as OutputRecord[]));
        else if ('error' in outcome) released.errors.push(outcome.error);
      }
    }
    return released;
  }

  /** True once started with keyed state: every key runs on one thread. */
  get keyed(): boolean {
    return this.#keyed;
  }

  #outcomesOf(results: PackedResults): RecordOutcome[] {
    if (results.handlerSeconds !== undefined) this.#handlerSeconds.add(results.handlerSeconds.counts, results.handlerSeconds.sum);
    this.#busyMs += results.runMs ?? 0;
    return unpackResults(results);
  }

  #runPacked(piscina: Piscina<PackedChunk, PackedResults>, chunk: PackedChunk): Promise<PackedResults> {
    return piscina.run(chunk, { transferList: [chunk.index] });
  }

  get queued(): number {
    let queued = 0;
    for (const piscina of this.#piscinas) queued += piscina.queueSize;
    return queued;
  }

  /** Live worker threads; 0 before start and after close. */
  get threadCount(): number {
    let threads = 0;
    for (const piscina of this.#piscinas) threads += piscina.threads.length;
    return threads;
  }

  stats(): WorkerPoolStats {
    const piscinas = this.#piscinas;
    if (piscinas.length === 0) {
      const empty = { mean: 0, p50: 0, p99: 0, max: 0 };
      return { threads: 0, threadRestarts: 0, queued: 0, utilization: 0, completed: 0, waitTime: empty, runTime: empty };
    }
    let completed = 0;
    for (const piscina of piscinas) completed += piscina.completed;
    return {
      threads: this.threadCount,
      threadRestarts: Math.max(0, this.#threadsCreated - this.options.threads),
      queued: this.queued,
      // piscina's own `utilization` divides a run time in ms by 1000 and comes out ~1000× too low
      utilization: Math.min(1, this.#busyMs / (Math.max(1, performance.now() - this.#startedAtMs) * this.options.threads)),
      completed,
      waitTime: summary(piscinas.map((p) => p.histogram.waitTime)),
      runTime: summary(piscinas.map((p) => p.histogram.runTime)),
    };
  }

  /** Thread time spent running chunks since start, summed over the threads, ms. */
  get busyMs(): number {
    return this.#busyMs;
  }

  /** Handler time per record since start, measured in the threads, over `HANDLER_SECONDS_BUCKETS`. */
  handlerSeconds(): BucketSnapshot {
    return this.#handlerSeconds.snapshot();
  }

  close(): Promise<void> {
    this.#closing ??= Promise.all(this.#piscinas.map((piscina) => piscina.destroy())).then(() => undefined);
    return this.#closing;
  }
}
