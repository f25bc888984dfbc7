export * from './view-history.js';
export * from './ui-routes.js';
