export { FsDisk, fsBio } from './fs-disk.js';
export { FaultyDisk, noFaults, type DiskFaults } from './faulty-disk.js';
