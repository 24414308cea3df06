// The command language of the golden transcripts (test/transcripts/*.txt). Each command prints
// what happened while it ran, so a transcript reads as a story of the protocol.
//
//   ensemble n=5 seed=1 [commitLogCount=N] [snapCount=N] [loss=0.05]   a new ensemble (not started)
//   start 1 2 3 | stop 3 | partition 1,2 | 3 | isolate 2 | heal
//   write x [count] [to=2]       client writes x0, x1, ... (or x) to the leader (or to server 2)
//   run 5s [msgs]                run the simulation; `msgs` also prints every message sent
//   deliver [msgs]               deliver the messages in flight (and those they cause), no timers
//   settle                       run until one leader serves and everyone follows it
//   state | log 2                every server's role, vote, epochs, zxid and sync mode | a durable log
//   db lastProcessedZxid=Z committedLog=Z,Z txnLog=Z,Z [txnLogReadable=false] [snapshotSizeFactor=F] [gapCheck=false]
//   sync peerLastZxid=Z          LearnerHandler.syncFollower on that db
//   table handler|learner        a transition table (stage × packet → handler), printed from the code
//
// Zxids are written 0x100000002 (epoch 1 in the high 32 bits, counter 2), a decimal, or 1:2.
import type { TranscriptCommand } from '@protolab/testkit';
import {
  describeTable,
  Ensemble,
  HANDLER_TRANSITIONS,
  LEARNER_TRANSITIONS,
  makeZxid,
  NOTE_EVENTS,
  parseZxid,
  syncFollower,
  ZkError,
  zxidToHex,
  type EnsembleEvent,
  type SyncFollowerInput,
  type SyncReason,
  type Vote,
  type Zxid,
} from '@protolab/zookeeper';

export const vote = (v: Pick<Vote, 'leader' | 'zxid' | 'peerEpoch'>): string => `vote(${String(v.leader)}, ${zxidToHex(v.zxid)}, e${String(v.peerEpoch)})`;

const VIA: Readonly<Record<string, string>> = {
  LOOKING: 'a quorum of LOOKING votes in its round agreed, and nothing better came within finalizeWait',
  'in-round': 'a quorum of FOLLOWING/LEADING notifications of its round names that leader, and the leader says LEADING (checkLeader)',
  outofelection: 'a quorum outside its round already follows that leader (outofelection + checkLeader)',
};

export const WHY: Readonly<Record<SyncReason, string>> = {
  forceSnapSync: 'forceSnapSync is set',
  alreadyInSync: 'case 2: peerLastZxid == lastProcessedZxid, an empty DIFF',
  peerAhead: 'case 3: peerLastZxid > maxCommittedLog and not an (e,0) zxid, so TRUNC to maxCommittedLog',
  committedLog: 'case 4: minCommittedLog <= peerLastZxid <= maxCommittedLog, queued from the committedLog',
  txnLogAndCommittedLog: 'case 5: peerLastZxid < minCommittedLog, queued from the txn log and then the committedLog',
  txnLogGap: 'case 5: the txn log ends before minCommittedLog (ZOOKEEPER-2418 gap check), so SNAP',
  txnLogUnavailable: 'case 5: the txn log does not reach back to peerLastZxid (or is over the size limit), so SNAP',
  unhandled: 'case 6: below the committedLog and txn log sync is off, so SNAP',
  crossEpochTrunc: 'the TRUNC it needs would cross an epoch boundary, so SNAP',
};

function parseZ(text: string): Zxid {
  const m = /^(\d+):(\d+)$/.exec(text);
  return m !== null ? makeZxid(Number(m[1]), Number(m[2])) : parseZxid(text);
}

function zlist(text: string | undefined): Zxid[] {
  return text === undefined || text === '' ? [] : text.split(',').map(parseZ);
}

function kv(args: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const a of args) {
    const i = a.indexOf('=');
    if (i > 0) m.set(a.slice(0, i), a.slice(i + 1));
  }
  return m;
}

function durationMs(text: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(text ?? '');
  if (m === null) throw new ZkError('BAD_INPUT', `expected a duration like 5s or 300ms, found ${String(text)}`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

function describeEvent(x: EnsembleEvent): string | undefined {
  const e = x.event;
  const s = `t=${String(x.t)} s${String(x.sid)}`;
  switch (e.type) {
    case 'decided':
      return `${s} ${e.state} ${vote(e.vote)} round ${String(e.round)}: ${VIA[e.via] ?? e.via}`;
    case 'epochChosen':
      return `${s} proposes epoch ${String(e.epoch)} (1 + the largest acceptedEpoch of a connected quorum)`;
    case 'synchronizing':
      return `${s} epoch ${String(e.epoch)} acked by ${e.ackers.join(',')}: currentEpoch ${String(e.epoch)}, syncing learners`;
    case 'syncSent':
      return `${s} syncs s${String(e.learner)} by ${e.mode}: peerLastZxid ${zxidToHex(e.peerLastZxid)}; ${WHY[e.reason]}; sends ${e.packets.length > 4 ? `${e.packets.slice(0, 3).join(', ')}, ... (${String(e.packets.length)} packets)` : e.packets.join(', ')}`;
    case 'established':
      return `${s} established epoch ${String(e.epoch)} (NEWLEADER acked by ${e.ackers.join(',')}), serving from ${zxidToHex(e.zxid)}`;
    case 'synced':
      return `${s} synced with s${String(e.leader)} by ${e.mode} in epoch ${String(e.epoch)}, ${String(e.history.length)} txns, last ${zxidToHex(e.history.at(-1) ?? 0n)}`;
    case 'lookingAgain':
      return `${s} LOOKING again: ${e.reason}`;
    case 'truncated':
      return `${s} truncates its log from ${zxidToHex(e.from)} to ${zxidToHex(e.to)}, removing ${e.removed.map(zxidToHex).join(',') || 'nothing'}`;
    case 'followerAhead':
      return `${s} drops s${String(e.learner)}: Follower is ahead of the leader`;
    case 'protocolError':
      return `${s} protocol error (${e.dropped ? 'connection dropped' : 'warning'}): ${e.error.message}`;
    case 'fatal':
      return `${s} FATAL, the server exits: ${e.reason}`;
    default:
      return undefined; // proposed / committed / applied are summarised
  }
}

/** A fresh runner: one ensemble or db per transcript, commands run in order. */
export function makeZkRunner(): (cmd: TranscriptCommand) => string {
  let e: Ensemble | undefined;
  let db: Omit<SyncFollowerInput, 'peerLastZxid'> | undefined;
  let collected: EnsembleEvent[] = [];
  const ens = (): Ensemble => {
    if (e === undefined) throw new ZkError('BAD_INPUT', 'expected an `ensemble` command first');
    return e;
  };

  /** Runs `fn` and prints the protocol events (and, with msgs, the messages) it caused. */
  const story = (fn: () => void, msgs: boolean): string => {
    const x = ens();
    collected = [];
    const from = x.sim.trace.length;
    fn();
    const lines: string[] = [];
    // Each noted event left one note in the sim trace, in order, between the messages sent.
    const noted = collected.filter((c) => NOTE_EVENTS.has(c.event.type));
    let next = 0;
    for (const t of x.sim.trace.slice(from)) {
      if (t.kind === 'note') {
        const ev = noted[next++];
        const d = ev === undefined ? undefined : describeEvent(ev);
        if (d !== undefined) lines.push(d);
      } else if (msgs && t.kind === 'send' && !(t.label ?? '').startsWith('PING')) {
        lines.push(`t=${String(t.t)} ${String(t.from)} -> ${String(t.to)} ${String(t.label)}`);
      }
    }
    const count = (t: string): number => collected.filter((c) => c.event.type === t).length;
    if (count('committed') + count('applied') > 0) lines.push(`(${String(count('committed'))} txns committed by the leader, ${String(count('applied'))} applied by learners)`);
    lines.push(`t=${String(x.sim.now())} ${roles(x)}`);
    return lines.join('\n');
  };

  const roles = (x: Ensemble): string => x.servers.map((s) => `s${String(s)}:${x.role(s)}`).join(' ');

  return (cmd) => {
    const a = cmd.args;
    const o = kv(a);
    const sids = (list: readonly string[]): number[] => list.flatMap((w) => w.split(',')).filter((w) => w !== '').map(Number);
    switch (cmd.name) {
      case 'ensemble': {
        const n = Number(o.get('n') ?? '3');
        const loss = o.get('loss');
        e = new Ensemble({
          n,
          seed: Number(o.get('seed') ?? '1'),
          ...(o.has('commitLogCount') ? { commitLogCount: Number(o.get('commitLogCount')) } : {}),
          ...(o.has('snapCount') ? { snapCount: Number(o.get('snapCount')) } : {}),
          ...(loss !== undefined ? { link: { lossRate: Number(loss) } } : {}),
        });
        e.listeners.push((ev) => { collected.push(ev); });
        return `${String(n)} servers s1..s${String(n)}, a quorum is ${String(Math.floor(n / 2) + 1)}; tickTime 2000 ms, initLimit 10, syncLimit 5, finalizeWait 200 ms`;
      }
      case 'start':
      case 'stop':
      case 'crash':
        for (const s of sids(a)) {
          if (cmd.name === 'start') ens().start(s);
          else ens().stop(s);
        }
        return `t=${String(ens().sim.now())} ${roles(ens())}`;
      case 'partition': {
        const bar = a.indexOf('|');
        ens().partition(sids(a.slice(0, bar)), sids(a.slice(bar + 1)));
        return `t=${String(ens().sim.now())} no messages between {${sids(a.slice(0, bar)).join(',')}} and {${sids(a.slice(bar + 1)).join(',')}}`;
      }
      case 'isolate':
        ens().isolate(Number(a[0]));
        return `t=${String(ens().sim.now())} s${String(a[0])} cut off from everyone`;
      case 'heal':
        ens().heal();
        return `t=${String(ens().sim.now())} every link works again`;
      case 'write': {
        const base = a[0] ?? 'x';
        const count = Number(a[1] !== undefined && !a[1].includes('=') ? a[1] : '1');
        const to = o.has('to') ? Number(o.get('to')) : undefined;
        let accepted = 0;
        for (let i = 0; i < count; i++) if (ens().write(count === 1 ? base : `${base}${String(i)}`, to)) accepted++;
        return `${String(accepted)} of ${String(count)} writes sent to s${String(to ?? ens().leader() ?? '?')}`;
      }
      case 'run':
        return story(() => { ens().runFor(durationMs(a[0])); }, a.includes('msgs'));
      case 'deliver':
        return story(() => {
          const x = ens();
          x.sim.runUntil(() => x.sim.pending()[0]?.kind !== 'deliver', { maxSteps: 100_000 });
        }, a.includes('msgs'));
      case 'settle':
        return story(() => { ens().runUntil((x) => x.stable(), { maxMs: 180_000 }); }, false);
      case 'state':
        return stateTable(ens());
      case 'log':
        return `s${String(a[0])} log: ${ens().durableLog(Number(a[0])).map((t) => zxidToHex(t.zxid)).join(' ') || '(empty)'}`;
      case 'db':
        db = {
          lastProcessedZxid: parseZ(o.get('lastProcessedZxid') ?? '0'),
          committedLog: zlist(o.get('committedLog')),
          txnLog: { zxids: zlist(o.get('txnLog')), withinSizeLimit: o.get('txnLogReadable') !== 'false' },
          ...(o.has('snapshotSizeFactor') ? { snapshotSizeFactor: Number(o.get('snapshotSizeFactor')) } : {}),
          ...(o.get('gapCheck') === 'false' ? { txnLogGapCheck: false } : {}),
        };
        return `maxCommittedLog ${zxidToHex(db.committedLog.at(-1) ?? db.lastProcessedZxid)}, minCommittedLog ${zxidToHex(db.committedLog[0] ?? db.lastProcessedZxid)}, lastProcessedZxid ${zxidToHex(db.lastProcessedZxid)}`;
      case 'sync': {
        if (db === undefined) throw new ZkError('BAD_INPUT', 'expected a `db` command first');
        const peer = parseZ(o.get('peerLastZxid') ?? '0');
        const r = syncFollower({ ...db, peerLastZxid: peer });
        const first = r.packets[0];
        const how = r.syncMode === 'TRUNC' && r.reason !== 'peerAhead' && first !== undefined
          ? `${zxidToHex(peer)} is not in our history: TRUNC to ${zxidToHex(first.zxid)}, our txn just below it, then the txns above`
          : r.syncMode === 'DIFF' && first !== undefined && r.packets.length > 1
            ? `DIFF ${zxidToHex(first.zxid)} (our last committed), then a PROPOSAL/COMMIT pair for each txn the peer lacks`
            : undefined;
        return [
          `${r.syncMode}: ${WHY[r.reason]}`,
          ...(how !== undefined ? [how] : []),
          `packets: ${r.packets.map((p) => `${p.type} ${zxidToHex(p.zxid)}`).join(', ')}`,
          `startForwarding from ${zxidToHex(r.startForwardingZxid)}`,
        ].join('\n');
      }
      case 'table':
        return (a[0] === 'learner' ? describeTable(LEARNER_TRANSITIONS) : describeTable(HANDLER_TRANSITIONS)).join('\n');
      default:
        throw new ZkError('BAD_INPUT', `unknown command ${cmd.name}`);
    }
  };
}

function stateTable(x: Ensemble): string {
  const rows = [['server', 'role', 'vote (sid, zxid, epoch)', 'round', 'accepted/current epoch', 'lastProcessedZxid', 'synced by']];
  for (const sid of x.servers) {
    const p = x.peer(sid);
    const ep = x.epochs(sid);
    rows.push([
      `s${String(sid)}`,
      x.role(sid),
      p === undefined ? '-' : p.state === 'LOOKING' ? `${vote(p.fle.proposal)} (proposing)` : vote(p.currentVote),
      p === undefined ? '-' : String(p.fle.logicalclock),
      `${String(ep.acceptedEpoch)}/${String(ep.currentEpoch)}`,
      p === undefined ? '-' : zxidToHex(p.db.lastProcessedZxid),
      p?.lastSyncMode ?? '-',
    ]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}
