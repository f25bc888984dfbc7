export * from './config/worker-config.js';
export * from './dispatch/index.js';
export * from './handlers/index.js';
export { builtInHandlerDocs, handlerOptionsHelp, handlerOptionsMarkdown, type HandlerDoc, type HandlerOptionDoc } from './handlers/catalog.js';
export * from './metrics/metric-names.js';
export * from './pool/index.js';
export * from './runtime/consumer-service.js';
export * from './runtime/dead-letter.js';
