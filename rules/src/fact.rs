//! Facts: what the observer learned, one small record per change of state.
//!
//! Detection works on facts, not packets: a LAN of 200 devices sends
//! millions of packets a day but only a few thousand facts, so detectors can
//! afford to allocate, format and look things up.

use std::net::IpAddr;

use crate::net::MacAddr;
use crate::time::Timestamp;

/// One thing the observer learned.
#[derive(Clone, Debug, PartialEq)]
pub enum Fact {
    /// A MAC address sent its first frame.
    NewDevice {
        /// The new device.
        mac: MacAddr,
        /// Vendor from the IEEE registry, if its prefix is registered.
        vendor: Option<&'static str>,
        /// When it was first seen.
        ts: Timestamp,
    },
    /// A device used an address for the first time.
    AddressBound {
        /// The device.
        mac: MacAddr,
        /// The address it used.
        ip: IpAddr,
        /// How the address was seen.
        source: BindingSource,
        /// When.
        ts: Timestamp,
    },
    /// A new flow began.
    NewFlow(FlowStart),
    /// A flow ended (closed or idle); its final counters.
    FlowEnded(FlowSummary),
    /// A pair of addresses moved traffic within one UTC hour.
    PairVolume(PairVolume),
}

impl Fact {
    /// Packet time of the fact.
    pub fn ts(&self) -> Timestamp {
        match self {
            Fact::NewDevice { ts, .. } | Fact::AddressBound { ts, .. } => *ts,
            Fact::NewFlow(f) => f.ts,
            Fact::FlowEnded(f) => f.last_seen,
            Fact::PairVolume(p) => p.hour,
        }
    }
}

/// How an address was bound to a MAC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BindingSource {
    /// The sender fields of an ARP packet.
    Arp,
    /// The source address of an IP packet from inside the LAN.
    IpSource,
}

impl BindingSource {
    /// Stable name for records.
    pub fn as_str(self) -> &'static str {
        match self {
            BindingSource::Arp => "arp",
            BindingSource::IpSource => "ip",
        }
    }
}

/// One end of a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// Link address, when the link layer has one (not for raw-IP captures).
    pub mac: Option<MacAddr>,
    /// Network address.
    pub ip: IpAddr,
    /// Transport port; 0 for protocols without ports.
    pub port: u16,
}

/// The first packet of a flow: its initiator sent it to its responder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlowStart {
    /// IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...).
    pub proto: u8,
    /// Who sent the first packet.
    pub initiator: Endpoint,
    /// To whom.
    pub responder: Endpoint,
    /// When.
    pub ts: Timestamp,
}

/// Why a flow ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowEnd {
    /// Both sides sent FIN.
    Fin,
    /// One side sent RST.
    Rst,
    /// No packet for the idle timeout.
    Idle,
    /// Still open when the capture ended.
    EndOfCapture,
}

impl FlowEnd {
    /// Stable name for records.
    pub fn as_str(self) -> &'static str {
        match self {
            FlowEnd::Fin => "fin",
            FlowEnd::Rst => "rst",
            FlowEnd::Idle => "idle",
            FlowEnd::EndOfCapture => "open",
        }
    }
}

/// A flow's counters, initiator → responder ("orig") and back ("resp").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlowSummary {
    /// How it began.
    pub start: FlowStart,
    /// Last packet in either direction.
    pub last_seen: Timestamp,
    /// Packets initiator → responder.
    pub orig_packets: u64,
    /// Bytes on the wire initiator → responder.
    pub orig_bytes: u64,
    /// Packets responder → initiator.
    pub resp_packets: u64,
    /// Bytes on the wire responder → initiator.
    pub resp_bytes: u64,
    /// TCP flags seen from the initiator (OR of all).
    pub orig_tcp_flags: u8,
    /// TCP flags seen from the responder (OR of all).
    pub resp_tcp_flags: u8,
    /// Why it ended.
    pub end: FlowEnd,
}

/// Traffic from one address to another within one UTC hour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PairVolume {
    /// Sender.
    pub src: IpAddr,
    /// Receiver.
    pub dst: IpAddr,
    /// Start of the UTC hour.
    pub hour: Timestamp,
    /// Packets in the hour.
    pub packets: u64,
    /// Bytes on the wire in the hour.
    pub bytes: u64,
}
