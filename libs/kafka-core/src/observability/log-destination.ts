import { write as fsWrite, writeSync } from 'node:fs';

/**
 * A line a CLI keeps redrawing in place on a terminal (producer-gen's progress bar). While one is
 * registered, the logger erases it before writing a log line and redraws it after, so a log line
 * never glues onto it.
 */
export interface LiveLine {
  /** The file descriptor the live line is drawn on (2 for stderr). */
  readonly fd: number;
  redraw(): void;
}

let liveLine: LiveLine | undefined;

/** Registers the live line (one at a time); returns a function that unregisters it. */
export function setLiveLine(line: LiveLine): () => void {
  liveLine = line;
  return () => {
    if (liveLine === line) liveLine = undefined;
  };
}

export interface LogDestinationOptions {
  fd: number;
  /** Lines queued while the reader is slow; beyond this the oldest are dropped (and counted). */
  maxQueuedBytes?: number;
  /** Longest the exit-time flush may take: a reader that went away must not hold the exit. */
  exitFlushMs?: number;
}

export const defaultLogDestinationOptions = {
  maxQueuedBytes: 4 * 1024 * 1024,
  exitFlushMs: 500,
} satisfies Partial<LogDestinationOptions>;

const CLEAR_LINE = '\r\x1b[2K';

/**
 * Where log lines go: a file descriptor written without ever blocking the event loop or the exit.
 * pino's default destination can leave a process that was told to stop spinning at exit when its
 * stdout reader has gone (a full or closed pipe); this one drops what it cannot write instead:
 * - a closed reader (EPIPE, EBADF…) turns logging off for good;
 * - a slow reader (EAGAIN, a write in flight) queues lines up to `maxQueuedBytes`, oldest dropped;
 * - at exit, queued lines get one bounded synchronous attempt (`exitFlushMs`).
 */
export class LogDestination {
  private readonly fd: number;
  private readonly maxQueuedBytes: number;
  private readonly exitFlushMs: number;
  private queue: string[] = [];
  private queuedBytes = 0;
  private writing = false;
  private closed = false;
  /** Lines dropped because the reader could not keep up. */
  dropped = 0;

  constructor(options: LogDestinationOptions) {
    this.fd = options.fd;
    this.maxQueuedBytes = options.maxQueuedBytes ?? defaultLogDestinationOptions.maxQueuedBytes;
    this.exitFlushMs = options.exitFlushMs ?? defaultLogDestinationOptions.exitFlushMs;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  write(line: string): boolean {
    if (this.closed) return true;
    const live = liveLine?.fd === this.fd ? liveLine : undefined;
    if (live !== undefined && this.queue.length === 0 && !this.writing) {
      // Erase, write and redraw synchronously so the three cannot interleave with the bar.
      this.trySync(CLEAR_LINE + line);
      live.redraw();
      return true;
    }
    this.queue.push(line);
    this.queuedBytes += line.length;
    while (this.queuedBytes > this.maxQueuedBytes && this.queue.length > 1) {
      this.queuedBytes -= (this.queue.shift() as string).length;
      this.dropped += 1;
    }
    if (!this.writing) this.drain();
    return true;
  }

  private trySync(text: string): void {
    try {
      writeSync(this.fd, text);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') this.close();
    }
  }

  private drain(): void {
    if (this.closed || this.queue.length === 0) return;
    const text = this.queue.join('');
    this.queue = [];
    this.queuedBytes = 0;
    this.writing = true;
    const buffer = Buffer.from(text);
    fsWrite(this.fd, buffer, 0, buffer.length, null, (err, written) => {
      this.writing = false;
      if (err !== null) {
        if (err.code === 'EAGAIN') {
          this.requeue(text);
          setTimeout(() => this.drain(), 20).unref();
        } else {
          this.close();
        }
        return;
      }
      if (written < buffer.length) this.requeue(buffer.subarray(written).toString());
      this.drain();
    });
  }

  private requeue(text: string): void {
    this.queue.unshift(text);
    this.queuedBytes += text.length;
  }

  private close(): void {
    this.closed = true;
    this.queue = [];
    this.queuedBytes = 0;
  }

  /** Writes what is queued, for at most `exitFlushMs`; gives up on a reader that is not reading. */
  flushSync(): void {
    if (this.closed || this.queue.length === 0) return;
    let text = this.queue.join('');
    this.queue = [];
    this.queuedBytes = 0;
    const deadline = Date.now() + this.exitFlushMs;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (text.length > 0 && Date.now() < deadline) {
      try {
        const buffer = Buffer.from(text);
        const written = writeSync(this.fd, buffer);
        text = buffer.subarray(written).toString();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return this.close();
        Atomics.wait(pause, 0, 0, 10);
      }
    }
  }
}

const shared = new Map<number, LogDestination>();

/** The one destination of a file descriptor, shared by every logger on it (keeps lines in order). */
export function logDestination(fd: number): LogDestination {
  let destination = shared.get(fd);
  if (destination === undefined) {
    const created = new LogDestination({ fd });
    process.once('exit', () => created.flushSync());
    shared.set(fd, created);
    destination = created;
  }
  return destination;
}
