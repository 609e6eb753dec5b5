//! ARP that rewrites other devices' caches: replies nobody asked for,
//! gratuitous replies claiming an address another device is using.
//!
//! A mirror port sees every broadcast request, so a reply with no request
//! for its address in the seconds before is unsolicited — except at the
//! start of a capture, whose questions may predate it. A gratuitous reply
//! claiming an address another device used, however long ago, is a claim:
//! operating systems announce with requests, and only tools send replies.

use std::net::{IpAddr, Ipv4Addr};

use gapwatch_rules::fact::ArpAnomaly;
use gapwatch_rules::{Fact, MacAddr, Timestamp};
use rustc_hash::FxHashMap;

use super::device::DeviceTable;
use crate::decode::Arp;

/// A reply more than this long after the last request for its address
/// answers nothing.
pub const ANSWER_WINDOW_SECS: i64 = 5;
/// Outstanding requests kept before old ones are dropped.
const MAX_QUESTIONS: usize = 4096;

const REQUEST: u16 = 1;
const REPLY: u16 = 2;

/// Requests heard recently, by the address asked for.
#[derive(Default)]
pub struct ArpWatch {
    asked: FxHashMap<Ipv4Addr, Timestamp>,
    first_seen: Option<Timestamp>,
}

impl ArpWatch {
    /// Takes in one ARP packet sent by `sender`, before the table binds its
    /// address (so the previous owner is still known).
    pub fn observe(
        &mut self,
        arp: &Arp,
        sender: MacAddr,
        devices: &DeviceTable,
        ts: Timestamp,
        facts: &mut Vec<Fact>,
    ) {
        let started = *self.first_seen.get_or_insert(ts);
        let claimed = arp.sender_ip;
        match arp.operation {
            REQUEST => {
                if self.asked.len() >= MAX_QUESTIONS {
                    self.asked.retain(|_, &mut at| ts.secs_since(at) <= ANSWER_WINDOW_SECS);
                }
                self.asked.insert(arp.target_ip, ts);
            }
            REPLY if claimed.is_unspecified() => {}
            // A reply form of an announcement: poisoning tools send these
            // to rewrite every cache at once; an OS announces with requests.
            REPLY if claimed == arp.target_ip => {
                // Whoever used the address before, however long ago: an OS
                // never claims an address with a reply, so no lease change
                // explains one.
                if let Some(owner) = devices.other_user(IpAddr::V4(claimed), sender) {
                    let anomaly = ArpAnomaly::GratuitousClaim { owner };
                    facts.push(Fact::ArpAnomaly { mac: sender, ip: claimed, anomaly, ts });
                }
            }
            REPLY => {
                let asked = self
                    .asked
                    .get(&claimed)
                    .is_some_and(|&at| ts.secs_since(at) <= ANSWER_WINDOW_SECS);
                let heard_long_enough = ts.secs_since(started) > ANSWER_WINDOW_SECS;
                if !asked && heard_long_enough {
                    let anomaly = ArpAnomaly::UnsolicitedReply;
                    facts.push(Fact::ArpAnomaly { mac: sender, ip: claimed, anomaly, ts });
                }
            }
            _ => {}
        }
    }
}
