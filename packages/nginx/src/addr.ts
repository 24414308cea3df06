import { describe, NginxError } from './errors.js';

/**
 * The ip_hash key bytes (ngx_http_upstream_init_ip_hash_peer): an IPv4 client hashes only its
 * first three octets (so a whole /24 shares a peer), an IPv6 client all 16 bytes, and a client
 * with neither (a unix socket) three zero bytes.
 */
export function ipHashKey(addr: string | Uint8Array | undefined): Uint8Array {
  if (addr === undefined) return new Uint8Array(3);
  if (addr instanceof Uint8Array) {
    if (addr.length !== 16) throw new NginxError('BAD_ADDRESS', `expected a 16-byte IPv6 address, found ${String(addr.length)} bytes`);
    return addr;
  }
  const v = parseIPv4(addr);
  return new Uint8Array([(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255]);
}

/**
 * A dotted IPv4 address as a host-order u32. (@protolab/lvs has its own copy: nginx sits below
 * lvs in the package layering and shares nothing with the kernel model but this one function.)
 */
export function parseIPv4(text: string): number {
  const parts = typeof text === 'string' ? text.split('.') : [];
  if (parts.length !== 4) throw new NginxError('BAD_ADDRESS', `expected a dotted IPv4 address a.b.c.d, found ${describe(text)}`);
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) {
      throw new NginxError('BAD_ADDRESS', `expected a dotted IPv4 address with octets 0..255, found ${describe(text)}`);
    }
    v = v * 256 + Number(p);
  }
  return v >>> 0;
}

/** Split a server string as ngx_http_upstream_init_chash does: a trailing all-digit `:port`. */
export function splitServer(server: string): [host: string, port: string] {
  if (server.length >= 5 && server.slice(0, 5).toLowerCase() === 'unix:') return [server.slice(5), ''];
  for (let j = 0; j < server.length; j++) {
    const c = server.charAt(server.length - j - 1);
    if (c === ':') return [server.slice(0, server.length - j - 1), server.slice(server.length - j)];
    if (c < '0' || c > '9') break;
  }
  return [server, ''];
}
