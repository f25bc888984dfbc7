import { SequenceStamper } from '../src/sequence/sequence-stamper.js';
import type { TestKafka } from './test-kafka.js';

/**
 * Produces `count` JSON records stamped with sequence headers for the verifier, keys
 * `key-0`…`key-<keys−1>` in turn, in batches of 5,000. Returns the producer id to expect.
 */
export async function produceSequenced(t: TestKafka, topic: string, count: number, keys: number, producerId: string): Promise<string> {
  const stamper = new SequenceStamper(producerId);
  const producer = await t.producer();
  const batch = 5_000;
  for (let start = 0; start < count; start += batch) {
    await producer.send({
      topic,
      messages: Array.from({ length: Math.min(batch, count - start) }, (_, i) => {
        const key = `key-${(start + i) % keys}`;
        return { key, value: JSON.stringify({ n: start + i }), headers: stamper.stamp({ 'content-type': 'application/json' }, key) };
      }),
    });
  }
  return producerId;
}
