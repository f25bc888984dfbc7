import type { IHeaders } from 'kafkajs';
import { AppError } from '../errors/app-error.js';
import { keyId, type SequenceKey } from './record-key.js';
import { SEQUENCE_HEADERS, type SequenceStamp } from './sequence-headers.js';

/**
 * Issues the sequence stamps of one producer id: `seq` over all its records, `keySeq` per key
 * (keyless records share one counter of their own).
 *
 * Memory: one map entry per distinct key ever stamped, never released, since a key's next
 * `keySeq` must survive until the producer stops. Fine for the key spaces of load tests (up to
 * a few million keys, roughly 100 bytes each); an unbounded key space wants a bounded run.
 */
export class SequenceStamper {
  readonly producerId: string;
  private nextSeq = 0;
  private nextKeylessSeq = 0;
  private readonly nextKeySeqs = new Map<string, number>();

  constructor(producerId: string) {
    if (producerId.length === 0) {
      throw new AppError('CONFIG_INVALID', 'a sequence producer id must not be empty', { retriable: false });
    }
    this.producerId = producerId;
  }

  /** Records stamped so far, which is also the next `seq`. */
  get issued(): number {
    return this.nextSeq;
  }

  /** Distinct keys seen so far: the size of the per-key state. */
  get distinctKeys(): number {
    return this.nextKeySeqs.size;
  }

  /** The stamp of the next record with this key. */
  next(key?: SequenceKey): SequenceStamp {
    return { producerId: this.producerId, seq: this.nextSeq++, keySeq: this.takeKeySeq(key) };
  }

  /** Stamps the next record's headers in place (no intermediate object) and returns them. */
  stamp(headers: IHeaders, key?: SequenceKey): IHeaders {
    headers[SEQUENCE_HEADERS.producerId] = this.producerId;
    headers[SEQUENCE_HEADERS.seq] = String(this.nextSeq++);
    headers[SEQUENCE_HEADERS.keySeq] = String(this.takeKeySeq(key));
    return headers;
  }

  private takeKeySeq(key: SequenceKey): number {
    if (key === null || key === undefined) return this.nextKeylessSeq++;
    const id = keyId(key);
    const keySeq = this.nextKeySeqs.get(id) ?? 0;
    this.nextKeySeqs.set(id, keySeq + 1);
    return keySeq;
  }
}
