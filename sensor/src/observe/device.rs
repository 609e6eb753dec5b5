//! The device table: one row per MAC address seen sending on the LAN.

use std::collections::VecDeque;
use std::net::IpAddr;

use gapwatch_rules::fact::{
    ARP_MANY_ADDRESSES, ArpAnomaly, BindingSource, CONFLICT_WINDOW_SECS, Fingerprint,
};
use gapwatch_rules::{Fact, MacAddr, Timestamp};
use rustc_hash::FxHashMap;

/// A device keeps at most this many addresses; more are not recorded (a
/// MAC using hundreds of LAN addresses is itself the finding).
pub const MAX_ADDRESSES_PER_DEVICE: usize = 256;

/// An address a device used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Address {
    /// The address.
    pub ip: IpAddr,
    /// How it was first seen.
    pub source: BindingSource,
    /// First use.
    pub first_seen: Timestamp,
    /// Latest use.
    pub last_seen: Timestamp,
}

/// What is known of one MAC address.
#[derive(Clone, Debug, PartialEq)]
pub struct Device {
    /// The MAC.
    pub mac: MacAddr,
    /// Vendor from the IEEE registry.
    pub vendor: Option<&'static str>,
    /// First frame sent.
    pub first_seen: Timestamp,
    /// Latest frame sent or received.
    pub last_seen: Timestamp,
    /// Frames sent.
    pub packets_sent: u64,
    /// Bytes on the wire sent.
    pub bytes_sent: u64,
    /// Unicast frames received.
    pub packets_received: u64,
    /// Bytes on the wire of unicast frames received.
    pub bytes_received: u64,
    /// Addresses used, in order of first use.
    pub addresses: Vec<Address>,
    /// The initial TTL of its latest TCP packets (0 before the first).
    pub ttl_base: u8,
    /// Every initial TTL it has shown, one bit each (see [`ttl_bit`]).
    ttl_bases_seen: u8,
    dirty: bool,
}

/// Devices by MAC, at most `max_devices` of them.
pub struct DeviceTable {
    max_devices: usize,
    full_reported: bool,
    index: FxHashMap<MacAddr, u32>,
    devices: Vec<Device>,
    /// The device that last began using each address.
    owners: FxHashMap<IpAddr, u32>,
    /// When the devices of the trailing minute appeared, oldest first.
    recent_new: VecDeque<Timestamp>,
    /// Devices changed since the last [`DeviceTable::take_dirty`].
    dirty: Vec<u32>,
}

impl Default for DeviceTable {
    fn default() -> DeviceTable {
        DeviceTable::with_limit(usize::MAX)
    }
}

impl DeviceTable {
    /// A table keeping at most `max_devices` devices.
    pub fn with_limit(max_devices: usize) -> DeviceTable {
        DeviceTable {
            max_devices,
            full_reported: false,
            index: FxHashMap::default(),
            devices: Vec::new(),
            owners: FxHashMap::default(),
            recent_new: VecDeque::new(),
            dirty: Vec::new(),
        }
    }

    /// Number of devices.
    pub fn len(&self) -> usize {
        self.devices.len()
    }

    /// True when no device was seen.
    pub fn is_empty(&self) -> bool {
        self.devices.is_empty()
    }

    /// The device with this MAC.
    pub fn get(&self, mac: MacAddr) -> Option<&Device> {
        self.index.get(&mac).map(|&i| &self.devices[i as usize])
    }

    /// Every device, in order of first appearance.
    pub fn iter(&self) -> impl Iterator<Item = &Device> {
        self.devices.iter()
    }

    /// Counts a frame sent by `mac`; creates the device (a fact) on its
    /// first. None when `mac` is new, the table is full and `registered`
    /// says it is not in the register (the first time, a fact): a flood
    /// never locks the site's own devices out.
    pub fn sent(
        &mut self,
        mac: MacAddr,
        ts: Timestamp,
        bytes: u64,
        facts: &mut Vec<Fact>,
        registered: impl Fn(MacAddr) -> bool,
    ) -> Option<u32> {
        let i = match self.index.get(&mac) {
            Some(&i) => i,
            None if self.devices.len() >= self.max_devices && !registered(mac) => {
                if !self.full_reported {
                    self.full_reported = true;
                    let max_devices = u32::try_from(self.max_devices).unwrap_or(u32::MAX);
                    facts.push(Fact::DeviceTableFull { max_devices, ts });
                }
                return None;
            }
            None => {
                let vendor = crate::oui::vendor(mac);
                let i = self.devices.len() as u32;
                self.index.insert(mac, i);
                self.devices.push(Device {
                    mac,
                    vendor,
                    first_seen: ts,
                    last_seen: ts,
                    packets_sent: 0,
                    bytes_sent: 0,
                    packets_received: 0,
                    bytes_received: 0,
                    addresses: Vec::new(),
                    ttl_base: 0,
                    ttl_bases_seen: 0,
                    dirty: false,
                });
                facts.push(Fact::NewDevice { mac, vendor, ts });
                let minute_ago = ts.plus_secs(-60);
                while self.recent_new.front().is_some_and(|&t| t <= minute_ago) {
                    self.recent_new.pop_front();
                }
                self.recent_new.push_back(ts);
                let in_last_minute = self.recent_new.len() as u32;
                facts.push(Fact::NewDeviceRate { in_last_minute, ts });
                i
            }
        };
        let d = self.touch(i, ts);
        d.packets_sent += 1;
        d.bytes_sent += bytes;
        Some(i)
    }

    /// Counts a unicast frame to `mac`, if it is a known device.
    pub fn received(&mut self, mac: MacAddr, ts: Timestamp, bytes: u64) {
        if let Some(&i) = self.index.get(&mac) {
            let d = self.touch(i, ts);
            d.packets_received += 1;
            d.bytes_received += bytes;
        }
    }

    /// If device `i` already used `ip`, notes the use and returns true.
    /// Cheaper than deciding whether `ip` may be bound, so it goes first.
    pub fn used_known_address(&mut self, i: u32, ip: IpAddr, ts: Timestamp) -> bool {
        let d = &mut self.devices[i as usize];
        match d.addresses.iter_mut().find(|a| a.ip == ip) {
            Some(a) => {
                a.last_seen = a.last_seen.max(ts);
                true
            }
            None => false,
        }
    }

    /// Records that device `i` used `ip`; a first use is a fact.
    pub fn bind(
        &mut self,
        i: u32,
        ip: IpAddr,
        source: BindingSource,
        ts: Timestamp,
        facts: &mut Vec<Fact>,
    ) {
        let d = &mut self.devices[i as usize];
        if let Some(a) = d.addresses.iter_mut().find(|a| a.ip == ip) {
            a.last_seen = a.last_seen.max(ts);
            return;
        }
        if d.addresses.len() >= MAX_ADDRESSES_PER_DEVICE {
            return;
        }
        d.addresses.push(Address { ip, source, first_seen: ts, last_seen: ts });
        let claimant = d.mac;
        facts.push(Fact::AddressBound { mac: claimant, ip, source, ts });
        if source == BindingSource::Arp
            && let IpAddr::V4(v4) = ip
        {
            let count = d.addresses.iter().filter(|a| a.source == BindingSource::Arp).count();
            if count == ARP_MANY_ADDRESSES as usize {
                let anomaly = ArpAnomaly::ManyAddresses { count: ARP_MANY_ADDRESSES };
                facts.push(Fact::ArpAnomaly { mac: claimant, ip: v4, anomaly, ts });
            }
        }
        // The unspecified address is a probe's, never a claim.
        if let Some(owner) = self.recent_owner(ip, ts).filter(|&m| m != claimant)
            && !ip.is_unspecified()
        {
            facts.push(Fact::AddressConflict { ip, owner, claimant, source, ts });
        }
        self.owners.insert(ip, i);
    }

    /// The device that last began using `ip`, if it used it within
    /// [`CONFLICT_WINDOW_SECS`] before `ts`.
    fn recent_owner(&self, ip: IpAddr, ts: Timestamp) -> Option<MacAddr> {
        let owner = &self.devices[*self.owners.get(&ip)? as usize];
        let recent = owner
            .addresses
            .iter()
            .find(|a| a.ip == ip)
            .is_some_and(|a| ts.secs_since(a.last_seen) < CONFLICT_WINDOW_SECS);
        recent.then_some(owner.mac)
    }

    /// The device other than `not` that used `ip` most recently, if that
    /// was at `since` or later. A scan of the table: only asked for rare
    /// events (a gratuitous ARP reply).
    pub fn other_user(&self, ip: IpAddr, not: MacAddr, since: Timestamp) -> Option<MacAddr> {
        self.devices
            .iter()
            .filter(|d| d.mac != not)
            .filter_map(|d| d.addresses.iter().find(|a| a.ip == ip).map(|a| (a.last_seen, d.mac)))
            .filter(|&(last, _)| last >= since)
            .max()
            .map(|(_, mac)| mac)
    }

    /// Notes the TTL of a TCP packet device `i` sent from its own address;
    /// an initial TTL it never showed before, after another, is a fact.
    pub fn saw_ttl(&mut self, i: u32, ttl: u8, ts: Timestamp, facts: &mut Vec<Fact>) {
        let d = &mut self.devices[i as usize];
        let base = ttl_base(ttl);
        if base == d.ttl_base {
            return;
        }
        let before = d.ttl_base;
        d.ttl_base = base;
        let bit = ttl_bit(base);
        if d.ttl_bases_seen & bit != 0 {
            return;
        }
        d.ttl_bases_seen |= bit;
        if before != 0 {
            facts.push(Fact::FingerprintChanged {
                mac: d.mac,
                before: Fingerprint::Ttl(before),
                after: Fingerprint::Ttl(base),
                ts,
            });
        }
    }

    /// Devices changed since the last call, in order of first change.
    pub fn take_dirty(&mut self) -> impl Iterator<Item = &Device> {
        let devices = &mut self.devices;
        for &i in &self.dirty {
            devices[i as usize].dirty = false;
        }
        let dirty = std::mem::take(&mut self.dirty);
        let out: Vec<&Device> = dirty.iter().map(|&i| &devices[i as usize]).collect();
        // Keep the list's allocation for the next round.
        self.dirty = dirty;
        self.dirty.clear();
        out.into_iter()
    }

    fn touch(&mut self, i: u32, ts: Timestamp) -> &mut Device {
        let d = &mut self.devices[i as usize];
        d.last_seen = d.last_seen.max(ts);
        if !d.dirty {
            d.dirty = true;
            self.dirty.push(i);
        }
        d
    }
}

/// The initial TTL a packet most likely left with: the next of the values
/// stacks use (32, 64, 128, 255) at or above what arrived.
pub fn ttl_base(ttl: u8) -> u8 {
    match ttl {
        0..=32 => 32,
        33..=64 => 64,
        65..=128 => 128,
        _ => 255,
    }
}

/// One bit per initial TTL.
fn ttl_bit(base: u8) -> u8 {
    match base {
        32 => 1,
        64 => 2,
        128 => 4,
        _ => 8,
    }
}
