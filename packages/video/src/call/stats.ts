/** Quality figures of a P2P connection (R7) and the selected candidate types (R5). */
export interface QualityStats {
  localCandidateType: string | undefined;
  remoteCandidateType: string | undefined;
  /** `udp` or `tcp`. */
  protocol: string | undefined;
  /** Seconds. */
  roundTripTime: number | undefined;
  availableOutgoingBitrate: number | undefined;
  bytesReceived: number;
  bytesSent: number;
  framesDecoded: number;
  framesPerSecond: number | undefined;
  packetsLost: number;
  jitter: number | undefined;
}

type StatsEntry = Record<string, unknown> & { type?: string; id?: string };

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Reads a standard RTCStatsReport (browser or wrtc) into {@link QualityStats}. */
export function readQualityStats(report: RTCStatsReport | Map<string, unknown>): QualityStats {
  const entries = new Map<string, StatsEntry>();
  (report as Map<string, StatsEntry>).forEach((value, key) => entries.set(key, value));
  let pair: StatsEntry | undefined;
  for (const e of entries.values()) {
    if (e.type === 'transport' && typeof e.selectedCandidatePairId === 'string') {
      pair = entries.get(e.selectedCandidatePairId);
      if (pair !== undefined) break;
    }
  }
  if (pair === undefined) {
    for (const e of entries.values()) {
      if (e.type === 'candidate-pair' && (e.selected === true || (e.nominated === true && e.state === 'succeeded'))) {
        pair = e;
        break;
      }
    }
  }
  const local = pair === undefined ? undefined : entries.get(String(pair.localCandidateId));
  const remote = pair === undefined ? undefined : entries.get(String(pair.remoteCandidateId));
  const stats: QualityStats = {
    localCandidateType: str(local?.candidateType),
    remoteCandidateType: str(remote?.candidateType),
    protocol: str(local?.protocol),
    roundTripTime: num(pair?.currentRoundTripTime),
    availableOutgoingBitrate: num(pair?.availableOutgoingBitrate),
    bytesReceived: 0,
    bytesSent: 0,
    framesDecoded: 0,
    framesPerSecond: undefined,
    packetsLost: 0,
    jitter: undefined,
  };
  for (const e of entries.values()) {
    if (e.type === 'inbound-rtp') {
      stats.bytesReceived += num(e.bytesReceived) ?? 0;
      stats.packetsLost += num(e.packetsLost) ?? 0;
      if (e.kind === 'video') {
        stats.framesDecoded += num(e.framesDecoded) ?? 0;
        stats.framesPerSecond = num(e.framesPerSecond) ?? stats.framesPerSecond;
      }
      stats.jitter = num(e.jitter) ?? stats.jitter;
    } else if (e.type === 'outbound-rtp') {
      stats.bytesSent += num(e.bytesSent) ?? 0;
    }
  }
  return stats;
}
