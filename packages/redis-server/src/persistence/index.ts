export { Persistence, type PersistenceOptions } from './persistence.js';
export { DEFAULT_PERSISTENCE_CONFIG, PERSISTENCE_DIRECTIVES, applyDirective, formatDirective, parseSave, type PersistenceConfig, type PersistenceDirective } from './config.js';
export { PersistenceError, type PersistenceErrorCode } from './errors.js';
export { infoPersistenceFields, infoPersistenceText } from './info-config.js';
