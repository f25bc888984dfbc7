/**
 * lagscale: what this fork adds to kafkajs's public API (`require('kafkajs').lagscale`); see
 * CHANGES.md. `version` and `features` let an app refuse to start on a kafkajs without them;
 * `protocol`, `Batch` and `murmur2` are the parts of the wire format that readers of raw record
 * sets, benchmarks and test fixtures use, so that nothing outside this package reaches into
 * `src/` (the package's `exports` no longer allow it).
 */
const { version } = require('../../package.json')
const counters = require('./counters')
const Encoder = require('../protocol/encoder')
const Decoder = require('../protocol/decoder')
const crc32C = require('../protocol/recordBatch/crc32C')
const { lookupCodecByAttributes } = require('../protocol/message/compression')
const Record = require('../protocol/recordBatch/record/v0')
const { RecordBatch } = require('../protocol/recordBatch/v0')
const decodeRecordBatch = require('../protocol/recordBatch/v0/decoder')
const MessageSet = require('../protocol/messageSet')
const decodeMessages = require('../protocol/requests/fetch/v4/decodeMessages')
const Long = require('../utils/long')
const Batch = require('../consumer/batch')
const murmur2 = require('../producer/partitioners/default/murmur2')

const FEATURES = Object.freeze([
  // CRC-32C slice-by-8, allocation-free Encoder, records back to back, O(n) grouping
  'produce-fast-path',
  // the rawRecordSets consumer option
  'raw-record-sets',
  // this object
  'protocol-exports',
  // produce requests written in the order they were sent (connection, request queue, sendMessages)
  'write-order',
  // the idempotent producer with up to 5 requests in flight, sequences kept per batch (producer/idempotentPipeline.js)
  'idempotent-pipeline',
])

module.exports = Object.freeze({
  version,
  upstreamVersion: '2.2.4',
  features: FEATURES,
  counters: () => ({ ...counters }),
  protocol: Object.freeze({
    Encoder,
    Decoder,
    Long,
    crc32C,
    lookupCodecByAttributes,
    Record,
    RecordBatch,
    decodeRecordBatch,
    MessageSet,
    decodeMessages,
  }),
  Batch,
  murmur2,
})
