//! ARP that rewrites other devices' caches: replies nobody asked for,
//! gratuitous replies claiming an address another device is using.
//!
//! A mirror port sees every broadcast request, so a reply with no request
//! for its address in the seconds before is unsolicited — except at the
//! start of a capture, whose questions may predate it. A gratuitous reply
//! claiming an address another device used within the hour is a claim:
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
/// A gratuitous reply claims an address another device used this
/// recently.
pub const CLAIM_WINDOW_SECS: i64 = 3600;

/// Requests kept per generation; beyond it the older generation is
/// dropped early (a scan asks for thousands of addresses a second).
const MAX_QUESTIONS: usize = 4096;

const REQUEST: u16 = 1;
const REPLY: u16 = 2;

/// Requests heard recently, by the address asked for, in two generations:
/// the current one and the one before, swapped every
/// [`ANSWER_WINDOW_SECS`], so memory is bounded and no packet pays for a
/// sweep.
#[derive(Default)]
pub struct ArpWatch {
    asked: FxHashMap<Ipv4Addr, Timestamp>,
    asked_before: FxHashMap<Ipv4Addr, Timestamp>,
    generation_start: Option<Timestamp>,
    first_seen: Option<Timestamp>,
}

impl ArpWatch {
    /// Notes a request for `target`, from whomever (a sender the device
    /// table turned away still asks, and its answer is solicited).
    pub fn asked(&mut self, target: Ipv4Addr, ts: Timestamp) {
        let start = *self.generation_start.get_or_insert(ts);
        if ts.secs_since(start) > ANSWER_WINDOW_SECS || self.asked.len() >= MAX_QUESTIONS {
            self.asked_before = std::mem::take(&mut self.asked);
            self.generation_start = Some(ts);
        }
        self.asked.insert(target, ts);
    }

    fn was_asked(&self, ip: Ipv4Addr, ts: Timestamp) -> bool {
        [&self.asked, &self.asked_before]
            .iter()
            .any(|m| m.get(&ip).is_some_and(|&at| ts.secs_since(at) <= ANSWER_WINDOW_SECS))
    }

    /// Takes in one ARP packet sent by `sender`, a device in the table,
    /// before the table binds its address (so the previous owner is still
    /// known). Requests are noted by [`ArpWatch::asked`] beforehand.
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
            REQUEST => {}
            REPLY if claimed.is_unspecified() => {}
            // A reply form of an announcement: poisoning tools send these
            // to rewrite every cache at once; an OS announces with requests.
            REPLY if claimed == arp.target_ip => {
                // Whoever used the address within the hour: operating
                // systems announce with requests, so a reply claiming a
                // live address is a tool's (a lease given anew long after
                // is not).
                let since = ts.plus_secs(-CLAIM_WINDOW_SECS);
                if let Some(owner) = devices.other_user(IpAddr::V4(claimed), sender, since) {
                    let anomaly = ArpAnomaly::GratuitousClaim { owner };
                    facts.push(Fact::ArpAnomaly { mac: sender, ip: claimed, anomaly, ts });
                }
            }
            REPLY => {
                let asked = self.was_asked(claimed, ts);
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
