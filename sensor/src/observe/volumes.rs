//! The current hour's volumes, one per initiator and service: every flow
//! that ends is folded into its pair's, hundreds of thousands an hour in a
//! busy replay, over tens of thousands of pairs ([`DenseMap`] keeps that
//! cheap).

use gapwatch_rules::Timestamp;
use gapwatch_rules::fact::{Endpoint, HourlyVolume};

use super::dense::DenseMap;

/// An initiator (any port) and a service: what volumes are kept by.
pub(super) type VolumeKey = (u8, Endpoint, Endpoint);

/// What a flow did in the current hour, folded into its pair's volume.
#[derive(Clone, Copy, Default)]
pub(super) struct HourCounters {
    /// Packets initiator → responder.
    pub orig_packets: u64,
    /// Bytes on the wire initiator → responder.
    pub orig_bytes: u64,
    /// Packets responder → initiator.
    pub resp_packets: u64,
    /// Bytes on the wire responder → initiator.
    pub resp_bytes: u64,
    /// The flow began in this hour.
    pub started: bool,
    /// First packet counted in this hour (none: nothing to fold).
    pub first: Option<Timestamp>,
    /// Last packet counted in this hour.
    pub last: Timestamp,
    /// TCP flags seen either way (OR).
    pub tcp_flags: u8,
}

/// The volumes of one hour, by initiator and service, in the order their
/// pairs first appeared.
#[derive(Default)]
pub(super) struct Volumes(DenseMap<VolumeKey, HourlyVolume>);

impl Volumes {
    /// Adds what a flow did in the hour to the volume of `key` in the hour
    /// starting at `hour` (or at the hour of `part`'s first packet, before
    /// the table knows the hour). A part without packets adds nothing.
    pub(super) fn add(&mut self, key: VolumeKey, hour: Option<Timestamp>, part: &HourCounters) {
        let Some(first) = part.first else {
            return;
        };
        let hour = hour.unwrap_or_else(|| first.hour_start());
        let (proto, initiator, responder) = key;
        let v = self.0.get_or_insert_with(key, || HourlyVolume {
            proto,
            initiator,
            responder,
            hour,
            connections: 0,
            first_seen: first,
            last_seen: part.last,
            orig_packets: 0,
            orig_bytes: 0,
            resp_packets: 0,
            resp_bytes: 0,
            tcp_flags: 0,
        });
        v.connections += u64::from(part.started);
        v.first_seen = v.first_seen.min(first);
        v.last_seen = v.last_seen.max(part.last);
        v.orig_packets += part.orig_packets;
        v.orig_bytes += part.orig_bytes;
        v.resp_packets += part.resp_packets;
        v.resp_bytes += part.resp_bytes;
        v.tcp_flags |= part.tcp_flags;
    }

    /// The hour's volumes, in the order their pairs first appeared; the
    /// table is empty after.
    pub(super) fn drain(&mut self) -> impl Iterator<Item = HourlyVolume> + '_ {
        self.0.drain().map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use gapwatch_rules::MacAddr;

    use super::*;

    fn endpoint(n: u32, port: u16) -> Endpoint {
        let mac = (!n.is_multiple_of(4)).then_some(MacAddr([2, 0, 0, 0, (n >> 8) as u8, n as u8]));
        let ip = if n.is_multiple_of(2) {
            IpAddr::from([10, 0, (n >> 8) as u8, n as u8])
        } else {
            IpAddr::from([0xfd00, 0, 0, 0, 0, 0, 0, n as u16])
        };
        Endpoint { mac, ip, port }
    }

    /// Thousands of parts over a few hundred pairs (the table grows many
    /// times) add up per pair, and come out in the order their pairs
    /// first appeared; the next hour starts empty.
    #[test]
    fn parts_add_up_per_pair_in_order_of_first_appearance() {
        let hour = Timestamp::from_secs(7200);
        let mut volumes = Volumes::default();
        let mut parts: Vec<(VolumeKey, HourCounters)> = Vec::new();
        for i in 0..5000u32 {
            // A pseudo-random pair out of 300, and a part of it.
            let pair = i.wrapping_mul(2_654_435_761) % 300;
            let proto = if pair.is_multiple_of(3) { 17 } else { 6 };
            let key = (proto, endpoint(pair, 0), endpoint(pair + 1000, 443));
            let first = hour.plus_secs(i64::from(i % 3000));
            let part = HourCounters {
                orig_packets: u64::from(i % 7),
                orig_bytes: u64::from(i),
                resp_packets: u64::from(i % 5),
                resp_bytes: u64::from(i) * 2,
                started: i.is_multiple_of(4),
                first: Some(first),
                last: first.plus_secs(30),
                tcp_flags: 1 << (i % 8),
            };
            volumes.add(key, Some(hour), &part);
            parts.push((key, part));
        }
        let mut pairs: Vec<VolumeKey> = Vec::new();
        for (key, _) in &parts {
            if !pairs.contains(key) {
                pairs.push(*key);
            }
        }
        let got: Vec<HourlyVolume> = volumes.drain().collect();
        assert_eq!(got.len(), 300);
        for (v, key) in got.iter().zip(&pairs) {
            let of_pair: Vec<&HourCounters> =
                parts.iter().filter(|(k, _)| k == key).map(|(_, p)| p).collect();
            let sum = |f: fn(&HourCounters) -> u64| of_pair.iter().map(|p| f(p)).sum::<u64>();
            assert_eq!((v.proto, v.initiator, v.responder), *key);
            assert_eq!(v.hour, hour);
            assert_eq!(v.connections, of_pair.iter().filter(|p| p.started).count() as u64);
            assert_eq!(Some(v.first_seen), of_pair.iter().filter_map(|p| p.first).min());
            assert_eq!(Some(v.last_seen), of_pair.iter().map(|p| p.last).max());
            assert_eq!(v.orig_packets, sum(|p| p.orig_packets));
            assert_eq!(v.orig_bytes, sum(|p| p.orig_bytes));
            assert_eq!(v.resp_packets, sum(|p| p.resp_packets));
            assert_eq!(v.resp_bytes, sum(|p| p.resp_bytes));
            assert_eq!(v.tcp_flags, of_pair.iter().fold(0, |f, p| f | p.tcp_flags));
        }
        assert_eq!(volumes.drain().count(), 0, "the next hour starts empty");
        let part = HourCounters { first: Some(hour), ..HourCounters::default() };
        volumes.add(pairs[0], Some(hour), &part);
        assert_eq!(volumes.drain().count(), 1);
        volumes.add(pairs[0], Some(hour), &HourCounters::default());
        assert_eq!(volumes.drain().count(), 0, "a part without packets adds nothing");
    }
}
