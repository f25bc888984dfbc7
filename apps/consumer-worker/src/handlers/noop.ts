import type { Handler, HandlerFactory } from './handler.js';

/** Does nothing and produces nothing: measures the pipeline's own cost, so it skips decoding too. */
const createNoopHandler: HandlerFactory = (): Handler => ({ readsValue: false, handle() {} });

export default createNoopHandler;
