const { INT_32_MAX_VALUE } = require('../constants')

// The broker keeps the last 5 batches of each producer and partition to recognise a resend; a
// batch more than 5 behind the newest would be answered OUT_OF_ORDER_SEQUENCE_NUMBER, not as the
// duplicate it is. So at most 5 unacknowledged batches, as Java's max.in.flight.requests ≤ 5.
const MAX_UNACKNOWLEDGED = 5

/**
 * lagscale: the idempotent producer with several produce requests in flight, as the Java
 * producer's `max.in.flight.requests.per.connection` ≤ 5 with `enable.idempotence`.
 *
 * Upstream serialised an idempotent producer's requests per broker (a lock held for each round
 * trip) and rolled a failed request's sequence numbers back, which is only safe with one request
 * in flight. Here a batch takes its sequence numbers once, when it is first written, and keeps
 * them across every resend, so the broker recognises a resend of a batch it already stored (it
 * keeps the last 5 batches per producer and partition) and answers a batch that arrives after a gap
 * with OUT_OF_ORDER_SEQUENCE_NUMBER.
 *
 * Batches are tracked in the order they were sent (`outstanding`). The rules, Java's:
 * - normally any of the 5 oldest outstanding batches may be written (the connection writes them
 *   in send order);
 * - once a batch has failed, only the oldest outstanding batch may be written until every batch
 *   that failed has been acknowledged: failed batches are resent one at a time, in order, with
 *   their sequence numbers, and new batches wait behind them;
 * - an OUT_OF_ORDER_SEQUENCE_NUMBER answer to a batch that is not the oldest outstanding one means
 *   an earlier batch has not been stored yet: retriable, resent after it;
 * - until a batch has been acknowledged under the current producer id, only the oldest may be
 *   written (a broker that holds no state for a producer takes any first sequence, so a first
 *   batch overtaken by the next would leave a gap it cannot see);
 * - a batch given up (`abandon`) leaves a gap in its partitions' sequences: once no request is on
 *   the wire, the producer takes a new producer id and every outstanding batch is numbered again
 *   from 0, in order (Java bumps the epoch for the same reason).
 *
 * @param {Object} options
 * @param {import("../../types").Logger} options.logger
 * @param {import("./eosManager").EosManager} options.eosManager
 */
module.exports = ({ logger, eosManager }) => {
  /** @type {Map<string, Map<number, number>>} next sequence per topic and partition */
  let nextSequence = new Map()
  /** @type {Entry[]} batches sent and not yet acknowledged or given up, in send order */
  const outstanding = []
  /** @type {WeakMap<object, Entry>} */
  const entries = new WeakMap()
  let ackedSinceReset = false
  let resetPending = false
  /** @type {Promise<void> | null} */
  let resetting = null

  /**
   * @typedef {Object} Entry
   * @property {'waiting' | 'inflight' | 'failed'} state
   * @property {boolean} hasFailed failed at least once and not acknowledged since
   * @property {Map<string, Object<string, any[]>> | null} grouping the messages per partition, per topic, fixed at the first attempt
   * @property {Map<string, Map<number, number>> | null} sequences first sequence per topic and partition
   * @property {(() => void) | null} wake
   */

  const isHead = entry => outstanding[0] === entry
  const recovering = () => outstanding.some(entry => entry.hasFailed)
  const mayWrite = entry =>
    !resetPending &&
    resetting === null &&
    (isHead(entry) ||
      (ackedSinceReset && !recovering() && outstanding.indexOf(entry) < MAX_UNACKNOWLEDGED))

  const takeSequence = (topic, partition, count) => {
    let perPartition = nextSequence.get(topic)
    if (!perPartition) {
      perPartition = new Map()
      nextSequence.set(topic, perPartition)
    }
    const first = perPartition.get(partition) || 0
    let next = first + count
    // the record batch's sequence is an int32: it wraps to 0, as the Java producer's does
    if (next > INT_32_MAX_VALUE) next -= INT_32_MAX_VALUE + 1
    perPartition.set(partition, next)
    return first
  }

  const numberEntry = entry => {
    entry.sequences = new Map()
    for (const [topic, messagesPerPartition] of entry.grouping) {
      const perPartition = new Map()
      for (const partition of Object.keys(messagesPerPartition)) {
        const count = messagesPerPartition[partition].length
        perPartition.set(Number(partition), takeSequence(topic, Number(partition), count))
      }
      entry.sequences.set(topic, perPartition)
    }
  }

  const reset = async () => {
    const previous = eosManager.getProducerId()
    await eosManager.initProducerId()
    nextSequence = new Map()
    ackedSinceReset = false
    for (const entry of outstanding) {
      if (entry.sequences) numberEntry(entry)
    }
    logger.warn('A produce batch was given up: new producer id, outstanding batches renumbered', {
      previousProducerId: previous,
      producerId: eosManager.getProducerId(),
      outstanding: outstanding.length,
    })
  }

  const evaluate = () => {
    if (resetPending && resetting === null && !outstanding.some(e => e.state === 'inflight')) {
      resetPending = false
      resetting = reset()
        .catch(e => {
          // initProducerId retried and gave up: try again at the next change
          logger.error(`Could not renew the producer id: ${e.message}`)
          resetPending = true
        })
        .then(() => {
          resetting = null
          evaluate()
        })
      return
    }
    for (const entry of outstanding) {
      if (entry.wake && mayWrite(entry)) {
        const wake = entry.wake
        entry.wake = null
        wake()
      }
    }
  }

  return {
    /**
     * The entry for one batch: the caller's `batch` object keeps it across sendBatch calls
     * (a resend keeps its partitions and sequence numbers); without one, it lives for one call.
     *
     * @param {object} [batch]
     * @returns {Entry}
     */
    register(batch) {
      let entry = batch ? entries.get(batch) : undefined
      if (entry && outstanding.includes(entry)) return entry
      entry = { state: 'waiting', hasFailed: false, grouping: null, sequences: null, wake: null }
      if (batch) entries.set(batch, entry)
      outstanding.push(entry)
      return entry
    },

    /**
     * Resolves when the batch may be written. Callers await it before they take their place in
     * the write order; waiters are woken in send order.
     *
     * @param {Entry} entry
     * @returns {Promise<void>}
     */
    mayWrite(entry) {
      if (mayWrite(entry)) return Promise.resolve()
      return new Promise(resolve => (entry.wake = resolve))
    },

    /**
     * The batch's messages per partition for `topic`: grouped once (`group()`), at the first
     * attempt, so a resend has the same partitions and counts whatever the partitioner does.
     */
    grouping(entry, topic, group) {
      if (!entry.grouping) entry.grouping = new Map()
      let messagesPerPartition = entry.grouping.get(topic)
      if (!messagesPerPartition) {
        messagesPerPartition = group()
        entry.grouping.set(topic, messagesPerPartition)
      }
      return messagesPerPartition
    },

    /**
     * Numbers the batch at its first write (called in write order, so sequences follow it) and
     * returns true; or returns false, and the batch must not be written, when a batch sent before
     * it has no numbers yet: that one failed before it reached a connection, and this one may not
     * take lower numbers than it.
     */
    written(entry) {
      if (!entry.sequences) {
        for (const other of outstanding) {
          if (other === entry) break
          if (!other.sequences) return false
        }
        numberEntry(entry)
      }
      entry.state = 'inflight'
      return true
    },

    firstSequence(entry, topic, partition) {
      return entry.sequences.get(topic).get(Number(partition))
    },

    producerId: () => eosManager.getProducerId(),
    producerEpoch: () => eosManager.getProducerEpoch(),

    /** @param {Entry} entry */
    acknowledged(entry) {
      const index = outstanding.indexOf(entry)
      if (index !== -1) outstanding.splice(index, 1)
      entry.state = 'waiting'
      entry.hasFailed = false
      ackedSinceReset = true
      evaluate()
    },

    /**
     * A request of the batch failed. Returns true when the failure is an out-of-order answer
     * behind an earlier batch that is still outstanding: the broker has not stored that one yet,
     * and this batch goes again after it.
     *
     * @param {Entry} entry
     * @param {Error & { type?: string }} error
     */
    failed(entry, error) {
      const behindAnother = error.type === 'OUT_OF_ORDER_SEQUENCE_NUMBER' && !isHead(entry)
      entry.state = 'failed'
      entry.hasFailed = true
      evaluate()
      return behindAnother
    },

    /**
     * The batch is given up: what it did not get stored leaves a gap in its partitions'
     * sequences, so every later batch is renumbered under a new producer id.
     *
     * @param {Entry} entry
     */
    abandon(entry) {
      const index = outstanding.indexOf(entry)
      if (index === -1) return
      outstanding.splice(index, 1)
      if (entry.sequences) resetPending = true
      evaluate()
    },

    /** @param {object} batch the caller's batch object */
    abandonBatch(batch) {
      const entry = entries.get(batch)
      if (entry) this.abandon(entry)
    },

    /** For tests and diagnostics. */
    state() {
      return {
        outstanding: outstanding.map(e => e.state),
        ackedSinceReset,
        resetPending: resetPending || resetting !== null,
      }
    },
  }
}
