//! Whole TCP conversations: handshake, data in MSS-sized segments with
//! delayed ACKs, teardown, unanswered SYNs with retransmissions, resets.
//!
//! Time advances as on a switched LAN: segments paced at the sender's rate,
//! ACKs tens of microseconds after the segment they acknowledge, a delayed
//! ACK when a message ends on an odd segment and the peer has nothing to
//! say. Records come out in the order they are made; their timestamps may
//! interleave slightly (an ACK lands between two data segments), so callers
//! sort a capture by time before writing it, as `scenario` does.

use std::net::IpAddr;

use gapwatch_rules::{MacAddr, Timestamp};

use super::{ACK, Ends, FIN, PSH, RST, SYN, TcpHdr};
use crate::Record;
use crate::rng::Rng;

/// Largest TCP payload of one segment on Ethernet (no TCP timestamps).
pub const MSS: usize = 1460;

/// The TCP/IP stack of a host, for TTL, SYN options and windows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Os {
    /// Windows 10/11: TTL 128, MSS/WS 8/SACK.
    Windows,
    /// Linux: TTL 64, MSS/SACK/WS 7 (timestamps left out to keep 1460-byte segments).
    Linux,
    /// macOS / iOS: TTL 64, MSS/WS 6/timestamps/SACK.
    Apple,
    /// Printers, scanners and other appliances: TTL 64, MSS only, small window.
    Embedded,
}

impl Os {
    /// Initial TTL / hop limit.
    pub fn ttl(self) -> u8 {
        match self {
            Os::Windows => 128,
            _ => 64,
        }
    }

    /// Options of its SYN and SYN-ACK.
    pub fn syn_options(self) -> &'static [u8] {
        match self {
            Os::Windows => &[2, 4, 0x05, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2],
            Os::Linux => &[2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7],
            // With timestamps and a closing EOL, as macOS and iOS send them.
            Os::Apple => &[
                2, 4, 0x05, 0xb4, 1, 3, 3, 6, 1, 1, 8, 10, 0x3c, 0x5e, 0x11, 0x22, 0, 0, 0, 0, 4,
                2, 0, 0,
            ],
            Os::Embedded => &[2, 4, 0x05, 0xb4],
        }
    }

    /// Window in its SYN (unscaled).
    pub fn syn_window(self) -> u16 {
        match self {
            Os::Windows | Os::Linux => 64240,
            Os::Apple => 65535,
            Os::Embedded => 8192,
        }
    }

    /// Window field after the handshake (scaled by its window scale).
    pub fn window(self) -> u16 {
        match self {
            Os::Windows => 1026,
            Os::Linux => 502,
            Os::Apple => 2052,
            Os::Embedded => 8192,
        }
    }

    /// Delayed-ACK timer, microseconds.
    pub fn delayed_ack_us(self) -> i64 {
        match self {
            Os::Windows => 200_000,
            Os::Linux | Os::Apple => 40_000,
            Os::Embedded => 100_000,
        }
    }
}

/// One end of a TCP conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpPeer {
    /// Its Ethernet address (or, for an off-LAN peer, the next hop's).
    pub mac: MacAddr,
    /// Its IP address.
    pub ip: IpAddr,
    /// Its port.
    pub port: u16,
    /// Its stack.
    pub os: Os,
}

const CLIENT: usize = 0;
const SERVER: usize = 1;

/// A TCP conversation between a client and a server, playing forward in
/// packet time. See the module doc.
#[derive(Clone, Debug)]
pub struct Tcp {
    peers: [TcpPeer; 2],
    /// Next sequence number each side sends.
    next: [u32; 2],
    /// Segments each side sent that the other has not acknowledged yet.
    unacked: [u32; 2],
    /// Time of the last data segment from each side, µs.
    last_data_us: [i64; 2],
    /// Time of the latest packet so far, µs.
    last_us: i64,
    now_us: i64,
    rate_bps: u64,
    rng: Rng,
    filler: Vec<u8>,
}

impl Tcp {
    /// A conversation from `client` to `server` starting at `start`;
    /// `seed` picks the initial sequence numbers, jitter and filler bytes.
    /// Data is paced at 100 Mbit/s until [`Tcp::with_rate`] says otherwise.
    pub fn new(client: TcpPeer, server: TcpPeer, start: Timestamp, seed: u64) -> Tcp {
        let mut rng = Rng::new(seed ^ (u64::from(client.port) << 16) ^ u64::from(server.port));
        let next = [rng.next_u32(), rng.next_u32()];
        let filler = (0..MSS).map(|_| rng.next_u64() as u8).collect();
        Tcp {
            peers: [client, server],
            next,
            unacked: [0, 0],
            last_data_us: [0, 0],
            last_us: i64::MIN,
            now_us: start.as_nanos().div_euclid(1000),
            rate_bps: 100_000_000,
            rng,
            filler,
        }
    }

    /// Paces data at `bits_per_sec` on the wire.
    pub fn with_rate(mut self, bits_per_sec: u64) -> Tcp {
        self.rate_bps = bits_per_sec.max(1);
        self
    }

    /// The conversation's current time (its last packet, or the start).
    pub fn now(&self) -> Timestamp {
        Timestamp::from_nanos(self.now_us * 1000)
    }

    /// Lets `ms` milliseconds pass (think time, user pauses).
    pub fn wait_ms(&mut self, ms: u64) {
        self.now_us += ms as i64 * 1000;
    }

    /// Lets `us` microseconds pass.
    pub fn wait_us(&mut self, us: u64) {
        self.now_us += us as i64;
    }

    /// The client's port.
    pub fn client_port(&self) -> u16 {
        self.peers[CLIENT].port
    }

    fn ends(&self, from: usize) -> Ends {
        let (a, b) = (self.peers[from], self.peers[1 - from]);
        Ends { src_mac: a.mac, dst_mac: b.mac, src: a.ip, dst: b.ip, ttl: a.os.ttl() }
    }

    fn segment(&self, from: usize, flags: u8, payload: &[u8]) -> Vec<u8> {
        let me = self.peers[from];
        let syn = flags & SYN != 0;
        let h = TcpHdr {
            sport: me.port,
            dport: self.peers[1 - from].port,
            seq: self.next[from],
            ack: if flags & ACK != 0 { self.next[1 - from] } else { 0 },
            flags,
            window: if syn { me.os.syn_window() } else { me.os.window() },
            options: if syn { me.os.syn_options() } else { &[] },
        };
        super::tcp(&self.ends(from), &h, payload)
    }

    fn emit(&mut self, out: &mut Vec<Record>, at_us: i64, frame: Vec<u8>) {
        self.last_us = self.last_us.max(at_us);
        out.push(Record::new(Timestamp::from_nanos(at_us * 1000), frame));
    }

    /// Before a new step: not before (nor at) the last packet so far.
    fn begin(&mut self) {
        if self.now_us <= self.last_us {
            self.now_us = self.last_us + self.jitter(5, 30);
        }
    }

    /// Jitter in `lo..=hi` microseconds.
    fn jitter(&mut self, lo: u64, hi: u64) -> i64 {
        self.rng.range(lo, hi) as i64
    }

    /// Before `next_sender` acts: the other side's outstanding segments get
    /// their (delayed) ACK unless `next_sender` is that other side and
    /// piggybacks it on its data.
    fn settle(&mut self, out: &mut Vec<Record>, next_sender: Option<usize>) {
        for side in [CLIENT, SERVER] {
            if self.unacked[side] == 0 {
                continue;
            }
            let acker = 1 - side;
            if next_sender == Some(acker) {
                continue; // piggybacked on the reply
            }
            let t = self.last_data_us[side] + self.peers[acker].os.delayed_ack_us();
            let f = self.segment(acker, ACK, &[]);
            self.emit(out, t, f);
            self.unacked[side] = 0;
            if self.now_us <= t {
                self.now_us = t + self.jitter(50, 400);
            }
        }
    }

    /// Three-way handshake; afterwards `now` is the client's ACK.
    ///
    /// Returns when the server's SYN-ACK went out: the first packet of the
    /// answering side.
    pub fn connect(&mut self, out: &mut Vec<Record>) -> Timestamp {
        self.begin();
        let t0 = self.now_us;
        let f = self.segment(CLIENT, SYN, &[]);
        self.emit(out, t0, f);
        self.next[CLIENT] = self.next[CLIENT].wrapping_add(1);
        let t1 = t0 + self.jitter(80, 300);
        let f = self.segment(SERVER, SYN | ACK, &[]);
        self.emit(out, t1, f);
        self.next[SERVER] = self.next[SERVER].wrapping_add(1);
        let t2 = t1 + self.jitter(40, 150);
        let f = self.segment(CLIENT, ACK, &[]);
        self.emit(out, t2, f);
        self.now_us = t2;
        Timestamp::from_nanos(t1 * 1000)
    }

    /// A SYN nobody answers, sent now and retransmitted `retries_ms` after
    /// the first (e.g. `[1000, 3000, 7000]`); `now` ends at the last one.
    pub fn syn_unanswered(&mut self, out: &mut Vec<Record>, retries_ms: &[u64]) {
        self.begin();
        let t0 = self.now_us;
        let f = self.segment(CLIENT, SYN, &[]);
        self.emit(out, t0, f.clone());
        for &r in retries_ms {
            let t = t0 + r as i64 * 1000 + self.jitter(0, 900);
            self.emit(out, t, f.clone());
            self.now_us = t;
        }
    }

    /// Sends one application message of `len` bytes from the client (or the
    /// server): `head` first (e.g. an SMB2 header), filler after, in
    /// segments of at most [`MSS`], PSH on the last; the receiver ACKs every
    /// second segment.
    pub fn send(&mut self, out: &mut Vec<Record>, from_client: bool, len: usize, head: &[u8]) {
        let from = if from_client { CLIENT } else { SERVER };
        let to = 1 - from;
        self.settle(out, Some(from));
        self.begin();
        self.unacked[to] = 0;
        let len = len.max(head.len());
        let mut t = self.now_us;
        let mut sent = 0usize;
        let mut payload = Vec::with_capacity(MSS);
        while sent < len {
            let n = (len - sent).min(MSS);
            payload.clear();
            if sent < head.len() {
                let h = (head.len() - sent).min(n);
                payload.extend_from_slice(&head[sent..sent + h]);
            }
            let fill = n - payload.len();
            payload.extend_from_slice(&self.filler[..fill]);
            sent += n;
            let flags = if sent == len { ACK | PSH } else { ACK };
            let f = self.segment(from, flags, &payload);
            let wire_bits = (f.len() as u64 + 24) * 8; // + preamble, FCS, gap
            self.emit(out, t, f);
            self.next[from] = self.next[from].wrapping_add(n as u32);
            self.unacked[from] += 1;
            self.last_data_us[from] = t;
            let gap = (wire_bits * 1_000_000 / self.rate_bps) as i64;
            if self.unacked[from] == 2 {
                let ta = t + self.jitter(20, 80).min(gap.max(2) - 1);
                let f = self.segment(to, ACK, &[]);
                self.emit(out, ta, f);
                self.unacked[from] = 0;
            }
            if sent < len {
                t += gap.max(1) + self.jitter(0, 12);
            }
        }
        self.now_us = t;
    }

    /// Orderly close: FIN from one side, FIN-ACK back, last ACK.
    pub fn close(&mut self, out: &mut Vec<Record>, client_first: bool) {
        let a = if client_first { CLIENT } else { SERVER };
        let b = 1 - a;
        // The FIN and the FIN-ACK acknowledge everything outstanding.
        self.unacked = [0, 0];
        self.begin();
        let t0 = self.now_us;
        let f = self.segment(a, FIN | ACK, &[]);
        self.emit(out, t0, f);
        self.next[a] = self.next[a].wrapping_add(1);
        let t1 = t0 + self.jitter(100, 400);
        let f = self.segment(b, FIN | ACK, &[]);
        self.emit(out, t1, f);
        self.next[b] = self.next[b].wrapping_add(1);
        let t2 = t1 + self.jitter(40, 150);
        let f = self.segment(a, ACK, &[]);
        self.emit(out, t2, f);
        self.now_us = t2;
    }

    /// Abort: RST-ACK from one side.
    pub fn reset(&mut self, out: &mut Vec<Record>, from_client: bool) {
        let from = if from_client { CLIENT } else { SERVER };
        self.unacked = [0, 0];
        self.begin();
        let f = self.segment(from, RST | ACK, &[]);
        self.emit(out, self.now_us, f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use etherparse::{SlicedPacket, TransportSlice};
    use std::net::Ipv4Addr;

    fn peers() -> (TcpPeer, TcpPeer) {
        let c = TcpPeer {
            mac: "00:80:17:00:00:01".parse().unwrap(),
            ip: Ipv4Addr::new(10, 20, 1, 11).into(),
            port: 50123,
            os: Os::Embedded,
        };
        let s = TcpPeer {
            mac: "0c:c4:7a:00:00:10".parse().unwrap(),
            ip: Ipv4Addr::new(10, 20, 0, 10).into(),
            port: 445,
            os: Os::Windows,
        };
        (c, s)
    }

    #[test]
    fn conversation_is_consistent() {
        let (c, s) = peers();
        let mut out = Vec::new();
        let mut t = Tcp::new(c, s, Timestamp::from_secs(1_772_409_600), 1);
        t.connect(&mut out);
        t.send(&mut out, true, 5 * MSS, b"\0\0\0\x10\xfeSMB");
        t.wait_ms(1);
        t.send(&mut out, false, 100, &[]);
        t.close(&mut out, true);
        // SYN, SYN-ACK, ACK, 5 data + 2 ACKs, reply (piggybacks the 5th), FIN, FIN, ACK
        assert_eq!(out.len(), 3 + 5 + 2 + 1 + 3);
        let mut client_bytes = 0;
        for r in &out {
            let p = SlicedPacket::from_ethernet(&r.frame).unwrap();
            let Some(TransportSlice::Tcp(seg)) = p.transport else { panic!("not tcp") };
            if seg.source_port() == 50123 {
                client_bytes += seg.payload().len();
            }
        }
        assert_eq!(client_bytes, 5 * MSS);
        let mut ts: Vec<_> = out.iter().map(|r| r.ts).collect();
        let first = ts[0];
        ts.sort();
        assert_eq!(ts[0], first);
        assert!(out.iter().all(|r| r.ts.as_nanos() % 1000 == 0), "microsecond times");
    }

    #[test]
    fn odd_message_gets_delayed_ack() {
        let (c, s) = peers();
        let mut out = Vec::new();
        let mut t = Tcp::new(c, s, Timestamp::from_secs(1_772_409_600), 2);
        t.connect(&mut out);
        t.send(&mut out, true, 3 * MSS, &[]);
        let before = out.len();
        t.send(&mut out, true, 10, &[]);
        // the server's delayed ACK for the 3rd segment comes before the next message
        assert_eq!(out.len(), before + 2);
    }

    #[test]
    fn unanswered_syn_repeats() {
        let (c, s) = peers();
        let mut out = Vec::new();
        let mut t = Tcp::new(c, s, Timestamp::from_secs(100), 3);
        t.syn_unanswered(&mut out, &[1000, 3000]);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].frame, out[2].frame);
        assert!(out[2].ts.secs_since(out[0].ts) >= 3);
    }
}
