export type { Handler, HandlerFactory, HandlerModule, HandlerOutput, HandlerRecord, HandlerResult } from './handler.js';
export { invalidRecord, isNonRetriable } from './handler.js';
export { parseHandlerOptions } from './handler-options.js';
export type { RevokedKeys } from './handler.js';
export { passThrough, sequenceHeadersOf } from './pass-through.js';
export { builtInHandlerNames, builtInHandlers, handlerIsStateful, handlerSpecifier, isBuiltInHandler, loadHandler, type BuiltInHandlerName } from './registry.js';
