// protolab-lb reads an nginx upstream from a whole nginx.conf, as operators have it.
import { describe, expect, it } from 'vitest';
import { LvsError } from '@protolab/lvs';
import { loadConfig, upstreamText } from '../src/lb/config.js';

const conf = `# a whole nginx.conf, as nginx -t accepts it
events {}
http {
  upstream api { least_conn; server 10.0.0.9:80; server 10.0.0.10:80 weight=3; }
  upstream backend {
    hash $remote_addr consistent;   # "{" in a comment } does not count
    server 10.0.0.1:8080 weight=2;
    server "10.0.0.2:8080";
  }
  server { listen 127.0.0.1:28080; location / { proxy_pass http://backend; } }
}
`;

describe('protolab-lb: an nginx upstream inside a whole nginx.conf', () => {
  it('takes the first upstream block, or the one named by --service', () => {
    expect(loadConfig('nginx', conf).balancer).toEqual({ kind: 'nginx', method: 'least_conn' });
    const b = loadConfig('nginx', conf, 'backend');
    expect(b.balancer).toEqual({ kind: 'nginx', method: 'hash_consistent' });
    expect(b.servers.map((s) => [s.name, s.weight])).toEqual([['10.0.0.1:8080', 2], ['10.0.0.2:8080', 1]]);
  });

  it('an upstream block alone is read as it is; an unknown name is a typed error listing the names', () => {
    const alone = 'upstream u { server 10.0.0.1:80; }';
    expect(upstreamText(alone)).toBe(alone);
    expect(() => loadConfig('nginx', conf, 'nope')).toThrow(LvsError);
    expect(() => loadConfig('nginx', conf, 'nope')).toThrow(/api, backend/);
  });
});
