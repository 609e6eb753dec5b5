//! gapwatch's capture generator: deterministic, seeded pcap files for the
//! tests, the demo and the benchmarks.
//!
//! Stage: test input. Nothing here runs in the sensor; it makes the frames
//! the sensor will later replay, so that every detector has a scenario with
//! known expected alerts and the benchmark has a LAN of any size.
//!
//! - [`writer`]: classic pcap and pcapng writers.
//! - [`payload`]: encoders for DHCP, DNS/mDNS/LLMNR, NetBIOS-NS, SSDP, LLDP,
//!   STP, SMB2 and PJL payloads.
//! - [`frames`]: Ethernet frame builders on top of etherparse's
//!   `PacketBuilder`, and [`frames::Tcp`], a whole TCP conversation.
//! - [`scenario`]: the small scenario captures under `captures/<name>/` with
//!   their policy and expected alerts, the demo day included.
//! - [`lan`]: the benchmark LAN, streamed at over a million packets a second.
//!
//! Determinism: every choice comes from [`rng::Rng`] with a fixed or given
//! seed, packet time is computed, never read from a clock, so the same
//! inputs give byte-identical files.

#![warn(missing_docs)]

pub mod frames;
pub mod lan;
pub mod payload;
pub mod rng;
pub mod scenario;
pub mod writer;

use gapwatch_rules::Timestamp;

/// One captured frame: when, the bytes, and its length on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Packet time.
    pub ts: Timestamp,
    /// The whole frame as sent (a writer may cut it to its snaplen).
    pub frame: Vec<u8>,
    /// Length on the wire (≥ `frame.len()`).
    pub orig_len: u32,
}

impl Record {
    /// A record of a whole frame (`orig_len` = its length).
    pub fn new(ts: Timestamp, frame: Vec<u8>) -> Record {
        let orig_len = frame.len() as u32;
        Record { ts, frame, orig_len }
    }
}
