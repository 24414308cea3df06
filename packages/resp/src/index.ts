export * from './types.js';
export * from './errors.js';
export * from './encode.js';
export * from './decode.js';
export * from './request.js';
export { parseDouble } from './number.js';
// Until every package imports it from @protolab/redis-common (its one home) directly.
export { formatDouble17g as formatDouble } from '@protolab/redis-common';
export { formatValue, showWire } from './format.js';
export * from './adapters/client.js';
