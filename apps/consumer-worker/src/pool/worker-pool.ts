import { AppError } from '@lagscale/kafka-core';
import { Piscina } from 'piscina';
import { BucketCounts, type BucketSnapshot } from '@lagscale/kafka-core/thread';
import { HANDLER_SECONDS_BUCKETS } from '../metrics/histogram-buckets.js';
import { packChunk, type PackedChunk } from './chunk-codec.js';
import type { ChunkExecutor, PooledRecord, RecordOutcome } from './executor.js';
import { unpackResults, type PackedResults } from './result-codec.js';
import { defaultWorkerPoolOptions, validateWorkerPoolOptions, type WorkerPoolOptions } from './pool-options.js';
import type { WorkerSetup } from './worker.js';
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

function summary(histogram: { mean: number; p50: number; p99: number; max: number }): TimingSummaryMs {
  return { mean: histogram.mean, p50: histogram.p50, p99: histogram.p99, max: histogram.max };
}

/**
 * Runs chunks of records on piscina worker threads, each thread with its own instance of the
 * configured handler. A chunk travels as a transferred index into shared arenas of record
 * bytes (`chunk-codec`, `record-arena`); its results come back as one transferred buffer, or
 * none when nothing was produced (`result-codec`).
 * Lifecycle: the constructor only validates; `start()` spawns the threads and loads the handler
 * in one of them, so a bad handler fails start; `close()` destroys the threads, may be called
 * many times and shares one promise. A thread that dies mid-chunk rejects that chunk's `run()`
 * and piscina starts a replacement.
 */
export class WorkerPool implements ChunkExecutor {
  readonly options: Readonly<WorkerPoolOptions>;
  #piscina: Piscina<PackedChunk, PackedResults> | undefined;
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
    const { threads, handler, handlerOptions, maxQueue, idleTimeoutMs } = this.options;
    const entry = workerEntry(import.meta.url);
    const setup: WorkerSetup = { handler, handlerOptions };
    const piscina = new Piscina<PackedChunk, PackedResults>({
      filename: entry.filename,
      execArgv: entry.execArgv,
      minThreads: threads,
      maxThreads: threads,
      maxQueue,
      idleTimeout: idleTimeoutMs,
      workerData: setup,
      recordTiming: true,
    });
    // without a listener, an 'error' event (a thread failing between tasks) would end the process
    piscina.on('error', (error: unknown) => this.options.onThreadError?.(error));
    // the first `threads` are the pool's own; every later one replaces a thread that died
    piscina.on('workerCreate', () => {
      this.#threadsCreated += 1;
    });
    this.#piscina = piscina;
    this.#startedAtMs = performance.now();
    try {
      await this.#runPacked(packChunk([]));
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
    if (this.#piscina === undefined) throw new AppError('INTERNAL', 'worker pool is not started', { retriable: false });
    try {
      const results = await this.#runPacked(packChunk(records, orderTags));
      if (results.handlerSeconds !== undefined) this.#handlerSeconds.add(results.handlerSeconds.counts, results.handlerSeconds.sum);
      this.#busyMs += results.runMs ?? 0;
      return unpackResults(results);
    } catch (error) {
      throw new AppError('INTERNAL', `chunk of ${records.length} records did not run: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
        retriable: true,
      });
    }
  }

  #runPacked(chunk: PackedChunk): Promise<PackedResults> {
    return this.#piscina!.run(chunk, { transferList: [chunk.index] });
  }

  get queued(): number {
    return this.#piscina?.queueSize ?? 0;
  }

  /** Live worker threads; 0 before start and after close. */
  get threadCount(): number {
    return this.#piscina?.threads.length ?? 0;
  }

  stats(): WorkerPoolStats {
    const piscina = this.#piscina;
    const empty = { mean: 0, p50: 0, p99: 0, max: 0 };
    if (piscina === undefined) return { threads: 0, threadRestarts: 0, queued: 0, utilization: 0, completed: 0, waitTime: empty, runTime: empty };
    const { histogram } = piscina;
    return {
      threads: piscina.threads.length,
      threadRestarts: Math.max(0, this.#threadsCreated - this.options.threads),
      queued: piscina.queueSize,
      // piscina's own `utilization` divides a run time in ms by 1000 and comes out ~1000× too low
      utilization: Math.min(1, this.#busyMs / (Math.max(1, performance.now() - this.#startedAtMs) * this.options.threads)),
      completed: piscina.completed,
      waitTime: summary(histogram.waitTime),
      runTime: summary(histogram.runTime),
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
    this.#closing ??= this.#piscina?.destroy() ?? Promise.resolve();
    return this.#closing;
  }
}
