//! Observe: the state the sensor keeps, turned into facts (stage 3).
//!
//! Per packet only table updates happen here — counters, last-seen times,
//! one hash lookup per table — and nothing allocates unless something new
//! is learned: a device, an address bound to a MAC, a flow. Those are
//! [`Fact`]s, handed to detection and to the record. The observer records,
//! it never judges: whether a new device is a problem is for the rules.

pub mod announcements;
pub mod app;
pub mod arp;
pub mod clues;
mod dense;
pub mod device;
pub mod discovery;
pub mod flow;
pub mod gateway;
pub mod identity;
mod volumes;

use std::net::IpAddr;

use gapwatch_rules::fact::{BindingSource, Endpoint, RouterSignal};
use gapwatch_rules::net::{is_link_local, is_unicast_host};
use gapwatch_rules::{Fact, Policy, Timestamp};

use crate::decode::{DecodeError, Decoded, Fragment, Net, Transport};
use app::{AppObserver, Segment};
use arp::ArpWatch;
pub use device::{Address, Device, DeviceTable};
pub use flow::{FlowPacket, FlowTable};
use gateway::Gateways;
use identity::Identities;

const UDP: u8 = 17;
const TCP_SYN: u8 = 0x02;

/// The device and flow tables, and the facts learned since last drained.
pub struct Observer {
    devices: DeviceTable,
    flows: FlowTable,
    arp: ArpWatch,
    app: AppObserver,
    gateways: Gateways,
    identities: Identities,
    policy: Policy,
    facts: Vec<Fact>,
}

impl Observer {
    /// An observer of the LAN declared in `policy`.
    pub fn new(policy: Policy) -> Observer {
        Observer {
            devices: DeviceTable::with_limit(policy.thresholds().max_devices as usize),
            flows: FlowTable::default(),
            arp: ArpWatch::default(),
            app: AppObserver::default(),
            gateways: Gateways::default(),
            identities: Identities::default(),
            policy,
            facts: Vec::new(),
        }
    }

    /// Turns the reading of clues (DHCP options, names, SYN signatures,
    /// LLDP/CDP, SSDP) off or on: the benchmark measures what
    /// fingerprinting costs. Off, the detections that read clues (routing
    /// announced in LLDP/CDP/UPnP, a changed OS or class) go quiet too.
    pub fn set_fingerprinting(&mut self, on: bool) {
        self.app.fingerprinting = on;
    }

    /// Names SYNs with the labels of a p0f database too (`tcp.p0f`).
    pub fn set_p0f(&mut self, db: std::sync::Arc<gapwatch_rules::p0f::P0fDb>) {
        self.app.clues.p0f = Some(db);
    }

    /// The device table.
    pub fn devices(&self) -> &DeviceTable {
        &self.devices
    }

    /// The device table, to take the changed devices.
    pub fn devices_mut(&mut self) -> &mut DeviceTable {
        &mut self.devices
    }

    /// The flow table.
    pub fn flows(&self) -> &FlowTable {
        &self.flows
    }

    /// Takes in one decoded frame. Returns why its application payload
    /// could not be read, if it could not (the frame itself was observed;
    /// a payload the snap length cut is unreadable, not malformed, which
    /// the caller knows).
    pub fn observe(
        &mut self,
        d: &Decoded<'_>,
        ts: Timestamp,
        wire_len: u64,
    ) -> Option<DecodeError> {
        let before = self.facts.len();
        let unreadable = self.observe_frame(d, ts, wire_len);
        if self.facts.len() > before {
            self.new_clues(before);
        }
        unreadable
    }

    /// [`Observer::observe`], before the clues are read for what they say
    /// of the machine.
    fn observe_frame(
        &mut self,
        d: &Decoded<'_>,
        ts: Timestamp,
        wire_len: u64,
    ) -> Option<DecodeError> {
        // A group address as source is illegal on Ethernet, but whoever sent
        // it is on the wire: it becomes a device, flagged by its address.
        // An all-zero source is a capture artefact (loopback), not a device.
        let sender = d.src_mac.filter(|m| !m.is_zero());
        let policy = &self.policy;
        let registered = |m| policy.asset(m).is_some();
        let device = sender
            .and_then(|mac| self.devices.sent(mac, ts, wire_len, &mut self.facts, registered));
        let turned_away = sender.is_some() && device.is_none();
        let mut unreadable = None;
        if let Some(dst) = d.dst_mac.filter(|m| !m.is_multicast()) {
            self.devices.received(dst, ts, wire_len);
        }
        // By reference: the IP layer is a hundred bytes, and every frame
        // has one.
        match &d.net {
            Net::Arp(arp) => {
                if arp.operation == 1 {
                    self.arp.asked(arp.target_ip, ts);
                }
                if let (Some(i), Some(mac)) = (device, sender)
                    && arp.sender_mac == mac
                {
                    self.arp.observe(arp, mac, &self.devices, ts, &mut self.facts);
                    if !arp.sender_ip.is_unspecified() {
                        let ip = IpAddr::V4(arp.sender_ip);
                        self.devices.bind(i, ip, BindingSource::Arp, ts, &mut self.facts);
                    }
                }
            }
            Net::Ip(ip) => {
                let own_source = device.filter(|&i| {
                    self.devices.used_known_address(i, ip.src, ts) || {
                        let own = self.is_own_address(ip.src);
                        if own {
                            let source = BindingSource::IpSource;
                            self.devices.bind(i, ip.src, source, ts, &mut self.facts);
                        }
                        own
                    }
                });
                if let Transport::Icmp { icmp_type, code } = ip.transport
                    && let Some(signal) = RouterSignal::of_icmp(ip.proto, icmp_type, code)
                {
                    self.facts.push(Fact::RouterSignal { signal, mac: sender, ip: ip.src, ts });
                }
                let ports = match ip.transport {
                    _ if ip.fragment == Fragment::Later => None,
                    Transport::Tcp { src_port, dst_port, flags } => {
                        if let Some(i) = own_source
                            && is_unicast_host(ip.dst)
                        {
                            self.devices.saw_ttl(i, ip.ttl, ts, &mut self.facts);
                            if flags & TCP_SYN != 0
                                && self.app.fingerprinting
                                && let Some(mac) = sender
                            {
                                let (h, t, n) = (ip.header, ip.tcp_header, ip.payload.len());
                                self.app.clues.tcp_syn(mac, h, t, n, ts, &mut self.facts);
                            }
                        }
                        Some((src_port, dst_port, flags))
                    }
                    Transport::Udp { src_port, dst_port } => Some((src_port, dst_port, 0)),
                    Transport::Icmp { .. } | Transport::Other => Some((0, 0, 0)),
                    Transport::Unreadable => None,
                };
                if let Some((sport, dport, tcp_flags)) = ports {
                    let packet = FlowPacket {
                        proto: ip.proto,
                        src: Endpoint { mac: sender, ip: ip.src, port: sport },
                        dst: Endpoint {
                            mac: d.dst_mac.filter(|m| !m.is_multicast()),
                            ip: ip.dst,
                            port: dport,
                        },
                        tcp_flags,
                        bytes: wire_len,
                        ts,
                    };
                    let before = self.facts.len();
                    self.flows.update(&packet, &mut self.facts);
                    self.flow_facts(before, (sport, dport), ip.payload);
                    let segment = Segment {
                        proto: ip.proto,
                        src: &packet.src,
                        dst: &packet.dst,
                        payload: ip.payload,
                        ts,
                    };
                    let unreadable = self.app.observe(&segment, &mut self.facts);
                    return unreadable.or(turned_away.then_some(DecodeError::DeviceTableFull));
                }
            }
            Net::Discovery(proto, payload) => {
                if let (Some(mac), true) = (sender, self.app.fingerprinting) {
                    let clues = &mut self.app.clues;
                    unreadable =
                        discovery::observe(clues, mac, *proto, payload, ts, &mut self.facts);
                }
            }
            Net::None => {}
        }
        self.flows.advance(ts, &mut self.facts);
        unreadable.or(turned_away.then_some(DecodeError::DeviceTableFull))
    }

    /// Reads what the flow table just learned (facts from `from` on) for
    /// routers seen by their traffic, and a new UDP flow's first `payload`
    /// for the shape of a tunnel.
    fn flow_facts(&mut self, from: usize, ports: (u16, u16), payload: &[u8]) {
        for i in from..self.facts.len() {
            match self.facts[i] {
                Fact::NewFlow(flow) => {
                    let devices = &self.devices;
                    let known = |m| devices.get(m).is_some();
                    self.gateways.new_flow(&flow, &self.policy, known, &mut self.facts);
                    if flow.proto == UDP
                        && is_unicast_host(flow.responder.ip)
                        && let Some(tunnel) =
                            crate::app::tunnel::first_datagram_between(ports, payload)
                    {
                        self.facts.push(Fact::TunnelPayload { flow, tunnel });
                    }
                }
                Fact::FlowAnswered { flow, at, .. } => {
                    let devices = &self.devices;
                    let known = |m| devices.get(m).is_some();
                    self.gateways.answered(&flow, at, &self.policy, known, &mut self.facts)
                }
                _ => {}
            }
        }
    }

    /// Reads the clues learned (facts from `from` on) of registered
    /// devices for a change of OS family or class.
    fn new_clues(&mut self, from: usize) {
        for i in from..self.facts.len() {
            let changes = match &self.facts[i] {
                Fact::Clue(clue) if self.policy.asset(clue.mac).is_some() => {
                    self.identities.clue(clue)
                }
                _ => continue,
            };
            self.facts.extend(changes.into_iter().flatten());
        }
    }

    /// An address a device on this LAN can own: unicast, and inside the
    /// LAN or link-local. Off-LAN sources arrive through a router and say
    /// nothing about the sending MAC.
    fn is_own_address(&self, ip: IpAddr) -> bool {
        is_unicast_host(ip) && (self.policy.is_lan(ip) || is_link_local(ip))
    }

    /// Ends every live flow: the capture is over.
    pub fn finish(&mut self) {
        self.flows.finish(&mut self.facts);
    }

    /// Facts learned since the last call.
    pub fn facts(&mut self) -> std::vec::Drain<'_, Fact> {
        self.facts.drain(..)
    }

    /// True when facts wait to be taken.
    pub fn has_facts(&self) -> bool {
        !self.facts.is_empty()
    }
}

#[cfg(test)]
mod fact_tests;
#[cfg(test)]
mod tests;
