//! Observe: the state the sensor keeps, turned into facts (stage 3).
//!
//! Per packet only table updates happen here — counters, last-seen times,
//! one hash lookup per table — and nothing allocates unless something new
//! is learned: a device, an address bound to a MAC, a flow. Those are
//! [`Fact`]s, handed to detection and to the record. The observer records,
//! it never judges: whether a new device is a problem is for the rules.

pub mod device;
pub mod flow;

use std::net::IpAddr;

use gapwatch_rules::fact::{BindingSource, Endpoint, RouterSignal};
use gapwatch_rules::net::{is_link_local, is_unicast_host};
use gapwatch_rules::{Fact, Policy, Timestamp};

use crate::decode::{Decoded, Fragment, Net, Transport};
pub use device::{Address, Device, DeviceTable};
pub use flow::{FlowPacket, FlowTable};

/// The device and flow tables, and the facts learned since last drained.
pub struct Observer {
    devices: DeviceTable,
    flows: FlowTable,
    policy: Policy,
    facts: Vec<Fact>,
}

impl Observer {
    /// An observer of the LAN declared in `policy`.
    pub fn new(policy: Policy) -> Observer {
        Observer {
            devices: DeviceTable::default(),
            flows: FlowTable::default(),
            policy,
            facts: Vec::new(),
        }
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

    /// Takes in one decoded frame.
    pub fn observe(&mut self, d: &Decoded<'_>, ts: Timestamp, wire_len: u64) {
        // A group address as source is illegal on Ethernet, but whoever sent
        // it is on the wire: it becomes a device, flagged by its address.
        // An all-zero source is a capture artefact (loopback), not a device.
        let sender = d.src_mac.filter(|m| !m.is_zero());
        let device = sender.map(|mac| self.devices.sent(mac, ts, wire_len, &mut self.facts));
        if let Some(dst) = d.dst_mac.filter(|m| !m.is_multicast()) {
            self.devices.received(dst, ts, wire_len);
        }
        match d.net {
            Net::Arp(arp) => {
                if let Some(i) = device
                    && Some(arp.sender_mac) == sender
                    && !arp.sender_ip.is_unspecified()
                {
                    self.devices.bind(
                        i,
                        IpAddr::V4(arp.sender_ip),
                        BindingSource::Arp,
                        ts,
                        &mut self.facts,
                    );
                }
            }
            Net::Ip(ip) => {
                if let Some(i) = device
                    && !self.devices.used_known_address(i, ip.src, ts)
                    && self.is_own_address(ip.src)
                {
                    self.devices.bind(i, ip.src, BindingSource::IpSource, ts, &mut self.facts);
                }
                if let Transport::Icmp { icmp_type, code } = ip.transport
                    && let Some(signal) = RouterSignal::of_icmp(ip.proto, icmp_type, code)
                {
                    self.facts.push(Fact::RouterSignal { signal, mac: sender, ip: ip.src, ts });
                }
                let ports = match ip.transport {
                    _ if ip.fragment == Fragment::Later => None,
                    Transport::Tcp { src_port, dst_port, flags } => {
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
                    self.flows.update(&packet, &mut self.facts);
                    return;
                }
            }
            Net::None => {}
        }
        self.flows.advance(ts, &mut self.facts);
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
mod tests;
