/**
 * @protolab/testkit — what protolab's tests share: real-peer servers (start a real redis-server,
 * nginx or ZooKeeper on 127.0.0.1 with a free port and a temp dir, wait until it answers, stop it
 * by PID, always clean up) and the rule for when a missing server binary skips or fails.
 */
export { freePort, startServer, waitForTcp, findBinary, type PeerServer, type StartServerOptions } from './peers.js';
export { describePeer, requirePeers, peersRequired } from './describe-peer.js';
export {
  parseTranscript, renderTranscript, executeTranscript, describeTranscript, updatingTranscripts,
  TranscriptFormatError, type TranscriptCommand, type TranscriptBlock,
} from './transcript.js';
export { abRounds, abRow, medianOf, type AbRounds } from './ab-rounds.js';
