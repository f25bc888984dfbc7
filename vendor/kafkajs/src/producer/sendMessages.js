const { KafkaJSBatchOutOfTurn, KafkaJSMetadataNotLoaded } = require('../errors')
const { staleMetadata } = require('../protocol/error')
const groupMessagesPerPartition = require('./groupMessagesPerPartition')
const createTopicData = require('./createTopicData')
const responseSerializer = require('./responseSerializer')

const { keys } = Object

/**
 * @param {Object} options
 * @param {import("../../types").Logger} options.logger
 * @param {import("../../types").Cluster} options.cluster
 * @param {ReturnType<import("../../types").ICustomPartitioner>} options.partitioner
 * @param {import("./eosManager").EosManager} options.eosManager
 * @param {import("../retry").Retrier} options.retrier
 * @param {ReturnType<import("./idempotentPipeline")>} [options.pipeline] the idempotent,
 *   non-transactional producer's: sequence numbers that stay with their batch, several batches in flight
 */
module.exports = ({ logger, cluster, partitioner, eosManager, retrier, pipeline }) => {
  // lagscale: attempts write their produce requests in the order they start. Each attempt awaits
  // metadata, a lock and a broker before it produces, and these waits differ between concurrent
  // attempts (a contended lock, a metadata refresh), so upstream let a later request reach the
  // connection first: with several sends in flight, a key's records were reordered (and an
  // idempotent producer's sequence numbers would be). An attempt now waits for the one before it
  // to take its place in the connection's write order (`onWriteTurn`), not for its response.
  let previousTurn = Promise.resolve()
  const takeTurn = () => {
    let release
    const released = new Promise(resolve => (release = resolve))
    const ready = previousTurn
    previousTurn = released
    return { ready, release }
  }

  return async ({ acks, timeout, compression, topicMessages, batch }) => {
    /** @type {Map<import("../../types").Broker, any[]>} */
    const responsePerBroker = new Map()
    // lagscale: the idempotent producer's batch, kept across attempts (and across calls with the
    // same `batch` object): same partitions, same sequence numbers (idempotentPipeline.js)
    const entry = pipeline ? pipeline.register(batch) : null

    /** @param {Map<import("../../types").Broker, any[]>} responsePerBroker */
    const createProducerRequests = async (responsePerBroker, onWriteTurn) => {
      const topicMetadata = new Map()

      await cluster.refreshMetadataIfNecessary()

      for (const { topic, messages } of topicMessages) {
        const partitionMetadata = cluster.findTopicPartitionMetadata(topic)

        if (partitionMetadata.length === 0) {
          logger.debug('Producing to topic without metadata', {
            topic,
            targetTopics: Array.from(cluster.targetTopics),
          })

          throw new KafkaJSMetadataNotLoaded('Producing to topic without metadata')
        }

        const group = () =>
          groupMessagesPerPartition({
            topic,
            partitionMetadata,
            messages,
            partitioner,
          })
        const messagesPerPartition = entry ? pipeline.grouping(entry, topic, group) : group()

        const partitions = keys(messagesPerPartition)
        const partitionsPerLeader = cluster.findLeaderForPartitions(topic, partitions)
        const leaders = keys(partitionsPerLeader)

        topicMetadata.set(topic, {
          partitionsPerLeader,
          messagesPerPartition,
        })

        for (const nodeId of leaders) {
          const broker = await cluster.findBroker({ nodeId })
          if (!responsePerBroker.has(broker)) {
            responsePerBroker.set(broker, null)
          }
        }
      }

      // numbered here, in write order, on its first write; a resend keeps its numbers
      if (entry && !pipeline.written(entry)) {
        throw new KafkaJSBatchOutOfTurn(
          'An earlier batch failed before it was written; this one goes after it'
        )
      }

      const brokers = Array.from(responsePerBroker.keys())
      const brokersWithoutResponse = brokers.filter(broker => !responsePerBroker.get(broker))
      // the turn passes on once every broker's request has its place in the write order
      let waitingForTurn = brokersWithoutResponse.length
      const tookTurn = () => {
        waitingForTurn -= 1
        if (waitingForTurn === 0) onWriteTurn()
      }
      if (waitingForTurn === 0) onWriteTurn()

      return brokersWithoutResponse.map(async broker => {
        let turnTaken = false
        const onBrokerWriteTurn = () => {
          if (!turnTaken) {
            turnTaken = true
            tookTurn()
          }
        }
        const entries = Array.from(topicMetadata.entries())
        const topicDataForBroker = entries
          .filter(([_, { partitionsPerLeader }]) => !!partitionsPerLeader[broker.nodeId])
          .map(([topic, { partitionsPerLeader, messagesPerPartition, sequencePerPartition }]) => ({
            topic,
            partitions: partitionsPerLeader[broker.nodeId],
            messagesPerPartition,
          }))

        const topicData = createTopicData(topicDataForBroker)

        if (entry) {
          try {
            topicData.forEach(({ topic, partitions }) => {
              partitions.forEach(partitionData => {
                partitionData['firstSequence'] = pipeline.firstSequence(
                  entry,
                  topic,
                  partitionData.partition
                )
              })
            })
            const response = await broker.produce({
              producerId: pipeline.producerId(),
              producerEpoch: pipeline.producerEpoch(),
              acks,
              timeout,
              compression,
              topicData,
              onWriteTurn: onBrokerWriteTurn,
            })
            responsePerBroker.set(broker, acks !== 0 ? responseSerializer(response) : [])
          } catch (e) {
            responsePerBroker.delete(broker)
            throw e
          } finally {
            onBrokerWriteTurn()
          }
          return
        }

        await eosManager.acquireBrokerLock(broker)
        try {
          if (eosManager.isTransactional()) {
            await eosManager.addPartitionsToTransaction(topicData)
          }

          topicData.forEach(({ topic, partitions }) => {
            partitions.forEach(entry => {
              entry['firstSequence'] = eosManager.getSequence(topic, entry.partition)
              eosManager.updateSequence(topic, entry.partition, entry.messages.length)
            })
          })

          let response
          try {
            response = await broker.produce({
              transactionalId: eosManager.isTransactional()
                ? eosManager.getTransactionalId()
                : undefined,
              producerId: eosManager.getProducerId(),
              producerEpoch: eosManager.getProducerEpoch(),
              acks,
              timeout,
              compression,
              topicData,
              onWriteTurn: onBrokerWriteTurn,
            })
          } catch (e) {
            topicData.forEach(({ topic, partitions }) => {
              partitions.forEach(entry => {
                eosManager.updateSequence(topic, entry.partition, -entry.messages.length)
              })
            })
            throw e
          }

          const expectResponse = acks !== 0
          const formattedResponse = expectResponse ? responseSerializer(response) : []

          responsePerBroker.set(broker, formattedResponse)
        } catch (e) {
          responsePerBroker.delete(broker)
          throw e
        } finally {
          // a request that failed before it reached the connection passes the turn on here
          onBrokerWriteTurn()
          await eosManager.releaseBrokerLock(broker)
        }
      })
    }

    const attempt = async (bail, retryCount, retryTime) => {
      // the idempotent pipeline decides when this batch may be written (after the batches before
      // it when one has failed); only then does it take its place in the write order
      if (entry) await pipeline.mayWrite(entry)
      const turn = takeTurn()
      try {
        await turn.ready
        const topics = topicMessages.map(({ topic }) => topic)
        await cluster.addMultipleTargetTopics(topics)
        const requests = await createProducerRequests(responsePerBroker, turn.release)
        // every broker's request settles before the attempt does: a failed one stays failed
        // until all are answered, so the pipeline sees one outcome per attempt
        const outcomes = await Promise.allSettled(requests)
        const failure = outcomes.find(outcome => outcome.status === 'rejected')
        if (failure) throw failure.reason
        if (entry) pipeline.acknowledged(entry)
        return Array.from(responsePerBroker.values()).flat()
      } catch (e) {
        turn.release()
        if (entry && pipeline.failed(entry, e)) {
          // an earlier batch is not stored yet: this one goes again once that one is
          logger.debug(`Batch behind an unacknowledged one, resending after it: ${e.message}`, {
            retryCount,
            retryTime,
          })
          e.retriable = true
          throw e
        }
        if (e.name === 'KafkaJSBatchOutOfTurn') {
          logger.debug(e.message, { retryCount, retryTime })
          throw e
        }
        if (e.name === 'KafkaJSConnectionClosedError') {
          cluster.removeBroker({ host: e.host, port: e.port })
        }

        if (!cluster.isConnected()) {
          logger.debug(`Cluster has disconnected, reconnecting: ${e.message}`, {
            retryCount,
            retryTime,
          })
          await cluster.connect()
          await cluster.refreshMetadata()
          throw e
        }

        // This is necessary in case the metadata is stale and the number of partitions
        // for this topic has increased in the meantime
        if (
          staleMetadata(e) ||
          e.name === 'KafkaJSMetadataNotLoaded' ||
          e.name === 'KafkaJSConnectionError' ||
          e.name === 'KafkaJSConnectionClosedError' ||
          (e.name === 'KafkaJSProtocolError' && e.retriable)
        ) {
          logger.error(`Failed to send messages: ${e.message}`, { retryCount, retryTime })
          await cluster.refreshMetadata()
          throw e
        }

        logger.error(`${e.message}`, { retryCount, retryTime })
        if (e.retriable) throw e
        bail(e)
      }
    }

    if (!entry) return retrier(attempt)
    try {
      return await retrier(attempt)
    } catch (e) {
      // a caller that keeps the batch (`batch`) resends it or gives it up itself (abandonBatch)
      if (!batch) pipeline.abandon(entry)
      throw e
    }
  }
}
