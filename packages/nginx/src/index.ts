/**
 * @protolab/nginx — nginx 1.22's upstream balancers, decision for decision: smooth weighted
 * round robin, least_conn, ip_hash, hash, hash consistent (ketama), random and random two; the
 * per-request tries of ngx_http_upstream_next; an `upstream { … }` block reader. Pure state
 * machines: the clock and the randomness are injected.
 */
export { NginxError, UpstreamConfigError, type NginxErrorCode } from './errors.js';
export { ipHashKey, parseIPv4, splitServer } from './addr.js';
export { crc32, crc32Update, crc32Final, CRC32_INIT } from './crc32.js';
export { NginxPeer, type NginxServerSpec, type PeerList } from './peer.js';
export { NginxUpstream, NGINX_METHODS, type NginxMethod, type NginxUpstreamOptions, type PickRequest } from './upstream.js';
export { ipHashValue, findChashPoint, chashPoints, HASH_MAX_TRIES, type ChashPoint } from './balancers/hash.js';
export { peekRandomPeer, randomRanges, type RandomSource } from './balancers/random.js';
export { parseUpstreamBlock, type UpstreamConf } from './conf.js';
