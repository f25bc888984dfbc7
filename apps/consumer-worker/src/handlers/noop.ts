import type { Handler, HandlerFactory } from './handler.js';

/** Does nothing and produces nothing: measures the pipeline's own cost. */
const createNoopHandler: HandlerFactory = (): Handler => ({ handle() {} });

export default createNoopHandler;
