import type { Handler, HandlerFactory } from '@lagscale/consumer-worker/handlers';

/** Fails every record: the poison-record path (retries, then the dead-letter topic). */
const createAlwaysThrowHandler: HandlerFactory = (): Handler => ({
  handle(record) {
    throw new Error(`always-throw handler rejects ${record.topic}/${record.partition}@${record.offset}`);
  },
});

export default createAlwaysThrowHandler;
