import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeepalivedConfigError, LvsError, parseKeepalivedConf, VirtualService, vrrpNode, type ParseCounter } from '../src/index.js';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '..', 'fixtures', name), 'utf8');
const corpusDir = join(import.meta.dirname, 'corpus');

/** The error a parse throws, or undefined. */
function parseError(text: string): unknown {
  try {
    parseKeepalivedConf(text);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('keepalived lib/parser.c: comments, quotes and keywords', () => {
  it("the operator notes' keepalived.conf parses as written: Chinese comments, '!persistence 60' commented out, nb_get_retry, and 'auth_type 1234' only a warning", () => {
    const c = parseKeepalivedConf(fixture('keepalived-notes.conf'));
    expect(c.globalDefs.routerId).toBe('LVS_TEST');
    expect(c.vrrpInstances[0]).toMatchObject({ name: 'LVS实例名称', state: 'MASTER', interface: 'ens33', virtualRouterId: 51, priority: 101, advertIntSec: 1, virtualIpaddress: ['192.168.1.100'] });
    expect(c.vrrpInstances[0]?.authentication).toEqual({ type: 'PASS' });
    expect(c.warnings.map((w) => w.line)).toEqual([19]);
    expect(c.warnings[0]?.message).toContain('unknown authentication type "1234"');
    const vs = c.virtualServers[0];
    expect(vs).toMatchObject({ address: '192.168.1.100', port: 80, delayLoopSec: 15, lbAlgo: 'rr', lbKind: 'DR', protocol: 'TCP' });
    expect(vs?.persistenceTimeoutSec).toBeUndefined();
    expect(vs?.realServers.map((r) => [r.address, r.weight, r.tcpCheck?.retry, r.tcpCheck?.connectTimeoutMs, r.tcpCheck?.delayBeforeRetryMs, r.tcpCheck?.connectPort])).toEqual([
      ['192.168.1.10', 1, 3, 3000, 4000, 80],
      ['192.168.1.20', 1, 3, 3000, 4000, 80],
    ]);
    expect(c.unknown).toEqual([]);
  });
  it('decomment: a " inside a comment opens no quote, # and ! inside quotes are text, \\# is a literal #', () => {
    const c = parseKeepalivedConf('global_defs {\n  router_id "a # b" # it\'s the "main" one\n  smtp_server x\\#y ! and "another\n}\n');
    expect(c.globalDefs.routerId).toBe('a # b');
    expect(c.globalDefs.other.get('smtp_server')).toEqual(['x#y']);
  });
  it('an unterminated quote outside a comment is still an error on its line', () => {
    const e = parseError('global_defs {\n  router_id "abc\n}\n');
    expect(e).toBeInstanceOf(KeepalivedConfigError);
    expect((e as KeepalivedConfigError).line).toBe(2);
    expect((e as Error).message).toContain('unterminated quoted string');
  });
  it('global_defs keywords are user input: __proto__ and constructor are kept like any other and change no prototype', () => {
    const c = parseKeepalivedConf(fixture('../test/corpus/proto-keywords.conf'));
    expect([...c.globalDefs.other.keys()]).toEqual(['__proto__', 'constructor', 'toString']);
    expect(c.globalDefs.other.get('__proto__')).toEqual(['x']);
    expect(Object.getPrototypeOf(c.globalDefs.other)).toBe(Map.prototype);
  });
  it("a block's '{' may open on the line after its keyword (process_stream's need_bob)", () => {
    expect(parseKeepalivedConf('virtual_server 10.0.0.1 80\n{\n  lb_algo sh\n}\n').virtualServers[0]?.lbAlgo).toBe('sh');
  });
});

describe('keepalived vrrp_parser.c vrrp_adv_handler: advert_int is 0.01 s … 255 s', () => {
  for (const v of ['0', '0.001', '256', '1e3', '-1']) {
    it(`advert_int ${v} is rejected with its line`, () => {
      const e = parseError(`vrrp_instance V {\n  virtual_router_id 1\n  advert_int ${v}\n}\n`);
      expect(e).toBeInstanceOf(KeepalivedConfigError);
      expect((e as KeepalivedConfigError).line).toBe(3);
    });
  }
  it('0.01 and 255 are accepted; a VRRP node with a zero interval is a typed error, not 2M events at t = 0', () => {
    expect(parseKeepalivedConf('vrrp_instance V {\n virtual_router_id 1\n advert_int 0.01\n}').vrrpInstances[0]?.advertIntSec).toBe(0.01);
    expect(parseKeepalivedConf('vrrp_instance V {\n virtual_router_id 1\n advert_int 255\n}').vrrpInstances[0]?.advertIntSec).toBe(255);
    expect(() => vrrpNode({ vrid: 1, priority: 100, ip: '10.0.0.1', advertIntMs: 0, initialState: 'MASTER', peers: [] })).toThrow(LvsError);
  });
  it('delay_loop 0 and connect_timeout 0 are rejected too (a zero timer fires forever at one instant)', () => {
    expect(parseError('virtual_server 10.0.0.1 80 {\n  delay_loop 0\n}\n')).toBeInstanceOf(KeepalivedConfigError);
    expect(parseError('virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n  TCP_CHECK {\n   connect_timeout 0\n  }\n }\n}\n')).toBeInstanceOf(KeepalivedConfigError);
  });
});

const confAlphabet = fc.constantFrom('global_defs', 'vrrp_instance', 'virtual_server', 'real_server', 'TCP_CHECK', 'advert_int', 'delay_loop', 'weight', 'router_id', '10.0.0.1', '80', '0', '1.5', '{', '}', '"', '#', '!', '\\', ' ', '\n', '\t', '__proto__', 'x');

describe('the keepalived.conf parser on hostile input', () => {
  it('any text gives a config or a KeepalivedConfigError — never another error', () => {
    fc.assert(fc.property(fc.string({ unit: confAlphabet, maxLength: 80 }), (text) => {
      const e = parseError(text);
      if (e !== undefined) expect(e).toBeInstanceOf(KeepalivedConfigError);
    }), { numRuns: 500 });
  });
  it('linear time: the parser takes at most 4 steps per input character (operation counter)', () => {
    fc.assert(fc.property(fc.string({ unit: confAlphabet, maxLength: 200 }), fc.integer({ min: 1, max: 40 }), (text, reps) => {
      const big = text.repeat(reps);
      const counter: ParseCounter = { ops: 0 };
      try {
        parseKeepalivedConf(big, counter);
      } catch (e) {
        expect(e).toBeInstanceOf(KeepalivedConfigError);
      }
      expect(counter.ops).toBeLessThanOrEqual(4 * big.length + 1);
    }), { numRuns: 200 });
  });
  const files = readdirSync(corpusDir).filter((f) => f.endsWith('.conf')).sort();
  it('the corpus is there', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });
  for (const f of files) {
    it(`corpus/${f}: a config or a KeepalivedConfigError, in linear steps`, () => {
      const text = readFileSync(join(corpusDir, f), 'latin1');
      const counter: ParseCounter = { ops: 0 };
      try {
        parseKeepalivedConf(text, counter);
      } catch (e) {
        expect(e).toBeInstanceOf(KeepalivedConfigError);
      }
      expect(counter.ops).toBeLessThanOrEqual(4 * text.length + 1);
    });
  }
});

describe('ip_vs_lblc.c with a broken clock', () => {
  it('a clock returning Infinity or NaN is a BAD_CLOCK LvsError for lblc and lblcr, not a hang', () => {
    for (const sched of ['lblc', 'lblcr'] as const) {
      for (const bad of [Infinity, Number.NaN, -Infinity]) {
        let t = 0;
        const svc = new VirtualService({ scheduler: sched, now: () => t });
        svc.addDest({ name: 'a', weight: 1 });
        svc.schedule({ srcAddr: 1, dstAddr: '10.0.0.7' });
        t = bad;
        let code = '';
        try {
          svc.schedule({ srcAddr: 1, dstAddr: '10.0.0.7' });
        } catch (e) {
          expect(e).toBeInstanceOf(LvsError);
          code = (e as LvsError).code;
        }
        expect(code).toBe('BAD_CLOCK');
      }
    }
  });
  it('a finite jump of 10^15 ms finishes at once and the cache is empty afterwards (every entry expired)', () => {
    let t = 0;
    const svc = new VirtualService({ scheduler: 'lblc', now: () => t });
    svc.addDest({ name: 'a', weight: 1 });
    svc.addDest({ name: 'b', weight: 1 });
    for (let i = 0; i < 50; i++) svc.schedule({ srcAddr: 1, dstAddr: i + 1 });
    t = 1e15;
    const t0 = performance.now();
    svc.advance();
    expect(performance.now() - t0).toBeLessThan(1000);
    const sched: unknown = svc.scheduler;
    expect((sched as { table: { entries: number } }).table.entries).toBe(0);
  });
});
