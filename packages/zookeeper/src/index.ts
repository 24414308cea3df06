export * from './errors.js';
export * from './zxid.js';
export * from './vote.js';
export * from './quorum.js';
export * from './sync.js';
