import cliProgress from 'cli-progress';
import { setLiveLine, type Logger } from '@lagscale/kafka-core';
import type { DeliverySnapshot } from './delivery-stats.js';

export interface ProgressSource {
  snapshot(): DeliverySnapshot;
  /** Total records planned, when the run is bounded by a count. */
  total?: number;
  targetRate(): number | 'max';
  /** What holds the producer back, when anything does. */
  producerState?(): { bufferFull: boolean; retrying: number; pendingBytes: number };
}

export interface ProgressReporter {
  start(): void;
  stop(): void;
}

/** ", waiting: buffer full (32.0 MB)" / ", retrying 2 batches": what the run is waiting for, or ''. */
export function waitingText(state: { bufferFull: boolean; retrying: number; pendingBytes: number } | undefined): string {
  if (state === undefined) return '';
  const parts: string[] = [];
  if (state.retrying > 0) parts.push(`retrying ${state.retrying} batch${state.retrying === 1 ? '' : 'es'}`);
  if (state.bufferFull) parts.push(`waiting: buffer full (${(state.pendingBytes / 1_048_576).toFixed(1)} MB)`);
  return parts.length === 0 ? '' : `, ${parts.join(', ')}`;
}

function rateText(rate: number): string {
  return rate >= 10_000 ? `${(rate / 1000).toFixed(1)}k` : rate.toFixed(0);
}

/**
 * One line of progress: a live bar on a terminal (cli-progress), a periodic log line elsewhere
 * (CI logs and containers should not fill with carriage returns).
 */
export function createProgressReporter(source: ProgressSource, options: { logger: Logger; intervalMs: number; tty?: boolean }): ProgressReporter {
  const tty = options.tty ?? process.stderr.isTTY === true;
  let timer: NodeJS.Timeout | undefined;
  let last = { at: performance.now(), acked: 0 };

  const rates = () => {
    const now = performance.now();
    const s = source.snapshot();
    const rate = ((s.acked - last.acked) * 1000) / Math.max(1, now - last.at);
    last = { at: now, acked: s.acked };
    return { s, rate };
  };

  if (!tty) {
    return {
      start() {
        timer = setInterval(() => {
          const { s, rate } = rates();
          const target = source.targetRate();
          const state = source.producerState?.();
          options.logger.info(
            {
              sent: s.sent,
              acked: s.acked,
              failed: s.failed,
              inFlight: s.inFlight,
              ratePerSec: Math.round(rate),
              targetPerSec: target,
              meanLatencyMs: Number(s.meanLatencyMs.toFixed(2)),
              ...(state === undefined ? {} : { bufferFull: state.bufferFull, retryingBatches: state.retrying }),
            },
            `progress: ${s.acked} acked (${rateText(rate)}/s, target ${target === 'max' ? 'max' : rateText(target)}/s), ${s.failed} failed, ${s.inFlight} in flight${waitingText(state)}`,
          );
        }, options.intervalMs);
        timer.unref();
      },
      stop() {
        clearInterval(timer);
      },
    };
  }

  const bar = new cliProgress.SingleBar(
    {
      format: source.total === undefined
        ? 'producing | {acked} acked | {rate}/s (target {target}/s) | failed {failed} | in flight {inFlight} | latency {latency} ms{waiting}'
        : 'producing [{bar}] {percentage}% | {acked}/{total} acked | {rate}/s (target {target}/s) | failed {failed} | latency {latency} ms{waiting}',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let unsetLiveLine: (() => void) | undefined;
  return {
    start() {
      // Log lines on this terminal erase the bar, print, and redraw it: they never glue onto it.
      unsetLiveLine = setLiveLine({ fd: 2, redraw: () => cliProgress.GenericBar.prototype.render.call(bar, true) });
      bar.start(source.total ?? 0, 0, { rate: '0', target: '-', failed: 0, inFlight: 0, latency: '0', acked: 0, waiting: '' });
      timer = setInterval(() => {
        const { s, rate } = rates();
        const target = source.targetRate();
        bar.update(s.acked, { acked: s.acked, rate: rateText(rate), target: target === 'max' ? 'max' : rateText(target), failed: s.failed, inFlight: s.inFlight, latency: s.meanLatencyMs.toFixed(1), waiting: waitingText(source.producerState?.()).replace(/^, /, ' | ') });
      }, 250);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      unsetLiveLine?.();
      bar.stop();
    },
  };
}
