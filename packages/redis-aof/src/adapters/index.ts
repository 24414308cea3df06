export { FsDisk, fsBio } from './fs-disk.js';
