export type { Handler, HandlerFactory, HandlerModule, HandlerOutput, HandlerRecord, HandlerResult } from './handler.js';
export { invalidRecord, isNonRetriable } from './handler.js';
export { parseHandlerOptions } from './handler-options.js';
export { passThrough, sequenceHeadersOf } from './pass-through.js';
export { builtInHandlerNames, builtInHandlers, handlerSpecifier, isBuiltInHandler, loadHandler, type BuiltInHandlerName } from './registry.js';
