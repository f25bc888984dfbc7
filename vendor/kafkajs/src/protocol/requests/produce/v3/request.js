const Long = require('../../../../utils/long')
const Encoder = require('../../../encoder')
const { Produce: apiKey } = require('../../apiKeys')
const { Types } = require('../../../message/compression')
const Record = require('../../../recordBatch/record/v0')
const { RecordBatch } = require('../../../recordBatch/v0')
const lagscaleCounters = require('../../../../lagscale/counters')

/**
 * Produce Request (Version: 3) => transactional_id acks timeout [topic_data]
 *   transactional_id => NULLABLE_STRING
 *   acks => INT16
 *   timeout => INT32
 *   topic_data => topic [data]
 *     topic => STRING
 *     data => partition record_set
 *       partition => INT32
 *       record_set => RECORDS
 */

/**
 * @param [transactionalId=null] {String} The transactional id or null if the producer is not transactional
 * @param acks {Integer} See producer request v0
 * @param timeout {Integer} See producer request v0
 * @param [compression=CompressionTypes.None] {CompressionTypes}
 * @param topicData {Array}
 */
module.exports = ({
  acks,
  timeout,
  transactionalId = null,
  producerId = Long.fromInt(-1),
  producerEpoch = 0,
  compression = Types.None,
  topicData,
}) => ({
  apiKey,
  apiVersion: 3,
  apiName: 'Produce',
  expectResponse: () => acks !== 0,
  encode: async () => {
    const encodeTopic = topicEncoder(compression)
    const encodedTopicData = []

    for (const data of topicData) {
      encodedTopicData.push(
        await encodeTopic({ ...data, transactionalId, producerId, producerEpoch })
      )
    }

    return new Encoder()
      .writeString(transactionalId)
      .writeInt16(acks)
      .writeInt32(timeout)
      .writeArray(encodedTopicData)
  },
})

const topicEncoder = compression => async ({
  topic,
  partitions,
  transactionalId,
  producerId,
  producerEpoch,
}) => {
  const encodePartitions = partitionsEncoder(compression)
  const encodedPartitions = []

  for (const data of partitions) {
    encodedPartitions.push(
      await encodePartitions({ ...data, transactionalId, producerId, producerEpoch })
    )
  }

  return new Encoder().writeString(topic).writeArray(encodedPartitions)
}

const partitionsEncoder = compression => async ({
  partition,
  messages,
  transactionalId,
  firstSequence,
  producerId,
  producerEpoch,
}) => {
  const dateNow = Date.now()
  // lagscale: the first and the largest timestamp in one pass over the messages, compared as
  // numbers (upstream mapped, filtered and sorted them as strings, which orders timestamps of
  // equal digit count the same way); messages without timestamps use now, as upstream
  let firstTimestamp = null
  let maxTimestamp = null
  let first = 0
  let max = 0
  for (let i = 0; i < messages.length; i++) {
    const timestamp = messages[i].timestamp
    if (timestamp == null) continue
    const value = Number(timestamp)
    if (firstTimestamp === null || value < first) {
      firstTimestamp = timestamp
      first = value
    }
    if (maxTimestamp === null || value > max) {
      maxTimestamp = timestamp
      max = value
    }
  }
  if (firstTimestamp === null) {
    firstTimestamp = dateNow
    maxTimestamp = dateNow
  }

  // lagscale: the records written back to back into one encoder (no encoder per record to
  // allocate and copy), passing the record's fields instead of spreading each message
  const recordsEncoder = new Encoder(messages.length * 128)
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]
    Record.writeRecordFields(
      recordsEncoder,
      i,
      (message.timestamp || dateNow) - firstTimestamp,
      message.key,
      message.value,
      message.headers
    )
  }

  const recordBatch = await RecordBatch({
    compression,
    recordsEncoder,
    recordCount: messages.length,
    firstTimestamp,
    maxTimestamp,
    producerId,
    producerEpoch,
    firstSequence,
    transactional: !!transactionalId,
    lastOffsetDelta: messages.length - 1,
  })
  lagscaleCounters.producedRecordBatches++

  return new Encoder()
    .writeInt32(partition)
    .writeInt32(recordBatch.size())
    .writeEncoder(recordBatch)
}
