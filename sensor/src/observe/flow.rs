//! The flow table: bidirectional 5-tuples with per-direction counters, and
//! the per-pair hourly volume they add up to.
//!
//! A flow is keyed by IP protocol and the unordered pair of (address, port)
//! — ports for TCP and UDP, 0 otherwise. Its initiator sent the first
//! packet. It ends on RST or once both sides sent FIN (then lingers
//! [`LINGER_SECS`] so the last ACKs join it), or after an idle timeout.
//! Times are packet times; nothing here reads a clock.

use std::net::IpAddr;

use super::dense::DenseMap;
use super::volumes::{HourCounters, Volumes};
use gapwatch_rules::fact::{Endpoint, FlowEnd, FlowStart, FlowSummary};
use gapwatch_rules::{Fact, Timestamp};

/// TCP flows end after this many seconds without a packet.
pub const TCP_IDLE_SECS: i64 = 300;
/// Other flows end after this many seconds without a packet.
pub const OTHER_IDLE_SECS: i64 = 60;
/// A closed TCP flow absorbs stray packets for this long.
pub const LINGER_SECS: i64 = 10;
/// How often (packet time) the table is swept for ended flows.
pub const SWEEP_SECS: i64 = 10;
/// Volumes are kept per UTC hour.
const HOUR_SECS: i64 = 3600;

const TCP: u8 = 6;
const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const RST: u8 = 0x04;
const ACK: u8 = 0x10;

/// One packet as the flow table sees it.
#[derive(Clone, Copy, Debug)]
pub struct FlowPacket {
    /// IP protocol.
    pub proto: u8,
    /// Sender.
    pub src: Endpoint,
    /// Receiver.
    pub dst: Endpoint,
    /// TCP flags (0 for other protocols).
    pub tcp_flags: u8,
    /// Bytes on the wire.
    pub bytes: u64,
    /// Packet time.
    pub ts: Timestamp,
}

/// A flow's key: its protocol and the unordered pair of (address, port),
/// addresses as 128-bit integers, so that a key is found with a few
/// integer operations (every packet looks one up).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct FlowKey {
    lo: u128,
    hi: u128,
    /// Protocol, IP version, and the ports of `lo` and `hi`.
    rest: u64,
}

impl FlowKey {
    fn of(p: &FlowPacket) -> FlowKey {
        let a = (bits(p.src.ip), p.src.port);
        let b = (bits(p.dst.ip), p.dst.port);
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        // An IPv4 address and its IPv4-mapped IPv6 form are different
        // flows: the version is part of the key.
        let v6 = u64::from(p.src.ip.is_ipv6());
        let rest = u64::from(p.proto) | v6 << 8 | u64::from(lo.1) << 16 | u64::from(hi.1) << 32;
        FlowKey { lo: lo.0, hi: hi.0, rest }
    }
}

fn bits(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(a) => u128::from(a.to_bits()),
        IpAddr::V6(a) => a.to_bits(),
    }
}

struct FlowEntry {
    summary: FlowSummary,
    /// FIN seen from initiator / responder.
    fin: (bool, bool),
    /// When the flow closed (FIN both ways or RST), if it did.
    closed_at: Option<Timestamp>,
    /// Counters of the current hour, folded into pair volumes on roll.
    hour: HourCounters,
}

impl FlowEntry {
    fn new(p: &FlowPacket) -> FlowEntry {
        FlowEntry {
            summary: FlowSummary {
                start: FlowStart { proto: p.proto, initiator: p.src, responder: p.dst, ts: p.ts },
                last_seen: p.ts,
                orig_packets: 0,
                orig_bytes: 0,
                resp_packets: 0,
                resp_bytes: 0,
                orig_tcp_flags: 0,
                resp_tcp_flags: 0,
                end: FlowEnd::EndOfCapture,
            },
            fin: (false, false),
            closed_at: None,
            hour: HourCounters { started: true, ..HourCounters::default() },
        }
    }

    /// After this time the flow is over: its lingering ended, or it
    /// went idle.
    fn deadline(&self) -> Timestamp {
        match self.closed_at {
            Some(closed) => closed.plus_secs(LINGER_SECS),
            None => {
                let tcp = self.summary.start.proto == TCP;
                self.summary.last_seen.plus_secs(if tcp { TCP_IDLE_SECS } else { OTHER_IDLE_SECS })
            }
        }
    }

    /// Why this flow is over at `ts`, if it is. A bare SYN ends a closed
    /// flow at once: the same ports are opening a new connection.
    fn ended_by(&self, ts: Timestamp, bare_syn: bool) -> Option<FlowEnd> {
        let closed = self.closed_at.is_some();
        if ts <= self.deadline() && !(bare_syn && closed) {
            return None;
        }
        Some(self.end_past_deadline())
    }

    /// How the flow ended, once past its deadline: closed as it was, or
    /// idle.
    fn end_past_deadline(&self) -> FlowEnd {
        if self.closed_at.is_some() { self.summary.end } else { FlowEnd::Idle }
    }

    /// Counts `p`; true if it is the responder's first packet (the flow
    /// is answered).
    fn add(&mut self, p: &FlowPacket) -> bool {
        let s = &mut self.summary;
        s.last_seen = s.last_seen.max(p.ts);
        let h = &mut self.hour;
        h.first.get_or_insert(p.ts);
        h.last = h.last.max(p.ts);
        h.tcp_flags |= p.tcp_flags;
        let from_initiator =
            (p.src.ip, p.src.port) == (s.start.initiator.ip, s.start.initiator.port);
        let mut answered = false;
        if from_initiator {
            s.orig_packets += 1;
            s.orig_bytes += p.bytes;
            s.orig_tcp_flags |= p.tcp_flags;
            self.hour.orig_packets += 1;
            self.hour.orig_bytes += p.bytes;
        } else {
            answered = s.resp_packets == 0;
            s.resp_packets += 1;
            s.resp_bytes += p.bytes;
            s.resp_tcp_flags |= p.tcp_flags;
            self.hour.resp_packets += 1;
            self.hour.resp_bytes += p.bytes;
        }
        if p.proto != TCP || self.closed_at.is_some() {
            return answered;
        }
        if p.tcp_flags & RST != 0 {
            s.end = FlowEnd::Rst;
            self.closed_at = Some(p.ts);
        } else if p.tcp_flags & FIN != 0 {
            if from_initiator {
                self.fin.0 = true;
            } else {
                self.fin.1 = true;
            }
            if self.fin.0 && self.fin.1 {
                s.end = FlowEnd::Fin;
                self.closed_at = Some(p.ts);
            }
        }
        answered
    }
}

/// Live flows and the current hour's pair volumes.
#[derive(Default)]
pub struct FlowTable {
    flows: DenseMap<FlowKey, FlowEntry>,
    /// Each flow's [`FlowEntry::deadline`], in the same places: a sweep
    /// reads these eight bytes a flow, not the whole entry.
    deadlines: Vec<Timestamp>,
    volumes: Volumes,
    hour: Option<Timestamp>,
    next_sweep: Option<Timestamp>,
}

impl FlowTable {
    /// Live flows.
    pub fn len(&self) -> usize {
        self.flows.len()
    }

    /// True when no flow is live.
    pub fn is_empty(&self) -> bool {
        self.flows.len() == 0
    }

    /// Counts one packet; a new flow and an ended one are facts.
    pub fn update(&mut self, p: &FlowPacket, facts: &mut Vec<Fact>) {
        self.advance(p.ts, facts);
        let key = FlowKey::of(p);
        let bare_syn = p.proto == TCP && p.tcp_flags & (SYN | ACK) == SYN;
        match self.flows.find(&key) {
            Some(place) => {
                let entry = &mut self.flows.at(place).1;
                if let Some(end) = entry.ended_by(p.ts, bare_syn) {
                    let old = std::mem::replace(entry, FlowEntry::new(p));
                    Self::end(&mut self.volumes, self.hour, old, end, facts);
                    facts.push(Fact::NewFlow(entry.summary.start));
                }
                if entry.add(p) {
                    facts.push(Fact::FlowAnswered {
                        flow: entry.summary.start,
                        tcp_flags: p.tcp_flags,
                        at: p.ts,
                    });
                }
                self.deadlines[place] = entry.deadline();
            }
            None => {
                let mut entry = FlowEntry::new(p);
                entry.add(p);
                facts.push(Fact::NewFlow(entry.summary.start));
                self.deadlines.push(entry.deadline());
                self.flows.insert_new(key, entry);
            }
        }
    }

    /// Moves packet time to `ts`: rolls the hour and sweeps ended flows
    /// when due. Called for every packet (cheap when nothing is due) and by
    /// live sources on quiet ticks.
    pub fn advance(&mut self, ts: Timestamp, facts: &mut Vec<Fact>) {
        match self.hour {
            None => self.hour = Some(ts.hour_start()),
            // A comparison per packet; the division only when an hour ends.
            Some(current) if ts >= current.plus_secs(HOUR_SECS) => {
                self.roll_hour(facts);
                self.hour = Some(ts.hour_start());
            }
            Some(_) => {}
        }
        match self.next_sweep {
            None => self.next_sweep = Some(ts.plus_secs(SWEEP_SECS)),
            Some(due) if ts >= due => {
                self.sweep(ts, facts);
                self.next_sweep = Some(ts.plus_secs(SWEEP_SECS));
            }
            Some(_) => {}
        }
    }

    /// Ends every live flow (the capture is over) and reports the last
    /// hour's pair volumes.
    pub fn finish(&mut self, facts: &mut Vec<Fact>) {
        self.deadlines.clear();
        let mut live: Vec<FlowEntry> = self.flows.drain().map(|(_, e)| e).collect();
        live.sort_by_key(|e| e.summary.start.ts);
        for entry in live {
            let end =
                if entry.closed_at.is_some() { entry.summary.end } else { FlowEnd::EndOfCapture };
            Self::end(&mut self.volumes, self.hour, entry, end, facts);
        }
        self.roll_hour(facts);
    }

    fn sweep(&mut self, ts: Timestamp, facts: &mut Vec<Fact>) {
        // One pass in the table's order, which follows the input alone: a
        // replay is repeatable.
        let mut place = 0;
        while place < self.deadlines.len() {
            if ts <= self.deadlines[place] {
                place += 1;
                continue;
            }
            self.deadlines.swap_remove(place);
            let (_, entry) = self.flows.swap_remove(place);
            let end = entry.end_past_deadline();
            Self::end(&mut self.volumes, self.hour, entry, end, facts);
        }
    }

    fn end(
        volumes: &mut Volumes,
        hour: Option<Timestamp>,
        mut entry: FlowEntry,
        end: FlowEnd,
        facts: &mut Vec<Fact>,
    ) {
        fold_hour(volumes, hour, &mut entry);
        entry.summary.end = end;
        facts.push(Fact::FlowEnded(entry.summary));
    }

    /// The hour is over: every live flow's counters join the hour's
    /// volumes, which are reported in the order their pairs first appeared.
    fn roll_hour(&mut self, facts: &mut Vec<Fact>) {
        for entry in self.flows.values_mut() {
            fold_hour(&mut self.volumes, self.hour, entry);
        }
        facts.extend(self.volumes.drain().map(Fact::HourlyVolume));
    }
}

/// Adds what `entry` did this hour to its initiator–service volume.
fn fold_hour(volumes: &mut Volumes, hour: Option<Timestamp>, entry: &mut FlowEntry) {
    let h = std::mem::take(&mut entry.hour);
    let s = &entry.summary.start;
    let initiator = Endpoint { port: 0, ..s.initiator };
    volumes.add((s.proto, initiator, s.responder), hour, &h);
}
