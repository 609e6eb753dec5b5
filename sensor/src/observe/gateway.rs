//! Routers seen by their traffic: a MAC that off-LAN addresses arrive
//! from, or that devices send off-LAN traffic to.
//!
//! Counted per flow, not per packet: the first packet of a flow and its
//! first answer say which MAC an off-LAN address stands behind.

use std::net::IpAddr;

use gapwatch_rules::fact::{
    Endpoint, FlowStart, ROUTER_SOURCED_OFFLAN, ROUTER_SUNK_OFFLAN, RouterSignal,
};
use gapwatch_rules::net::is_local_scope;
use gapwatch_rules::{Fact, MacAddr, Policy, Timestamp};
use rustc_hash::FxHashMap;

/// Off-LAN addresses per MAC, each list kept only up to its threshold.
#[derive(Default)]
pub struct Gateways {
    sourced: FxHashMap<MacAddr, Vec<IpAddr>>,
    sunk: FxHashMap<MacAddr, Vec<IpAddr>>,
}

impl Gateways {
    /// A flow began: an off-LAN initiator came from its MAC, an off-LAN
    /// responder was sent to its next hop. Only MACs for which `known`
    /// holds (devices the table keeps) are counted, so a flood of made-up
    /// MACs cannot grow these lists.
    pub fn new_flow(
        &mut self,
        flow: &FlowStart,
        policy: &Policy,
        known: impl Fn(MacAddr) -> bool,
        facts: &mut Vec<Fact>,
    ) {
        if let Some(mac) = off_lan(&flow.initiator, policy).filter(|&m| known(m)) {
            let ip = flow.initiator.ip;
            note(&mut self.sourced, mac, ip, RouterSignal::SourcesOffLan, flow.ts, facts);
        }
        if let Some(mac) = off_lan(&flow.responder, policy).filter(|&m| known(m)) {
            let ip = flow.responder.ip;
            note(&mut self.sunk, mac, ip, RouterSignal::SinksOffLan, flow.ts, facts);
        }
    }

    /// An off-LAN responder answered: the answer came from its MAC.
    pub fn answered(
        &mut self,
        flow: &FlowStart,
        at: Timestamp,
        policy: &Policy,
        known: impl Fn(MacAddr) -> bool,
        facts: &mut Vec<Fact>,
    ) {
        if let Some(mac) = off_lan(&flow.responder, policy).filter(|&m| known(m)) {
            let ip = flow.responder.ip;
            note(&mut self.sourced, mac, ip, RouterSignal::SourcesOffLan, at, facts);
        }
    }
}

/// The MAC of `end` when its address is off the LAN.
fn off_lan(end: &Endpoint, policy: &Policy) -> Option<MacAddr> {
    let ip = end.ip;
    (!policy.is_lan(ip) && !is_local_scope(ip)).then_some(end.mac).flatten()
}

/// Adds `ip` to `mac`'s list for `signal`; reaching its threshold is the
/// fact, once.
fn note(
    lists: &mut FxHashMap<MacAddr, Vec<IpAddr>>,
    mac: MacAddr,
    ip: IpAddr,
    signal: RouterSignal,
    ts: Timestamp,
    facts: &mut Vec<Fact>,
) {
    let threshold = if signal == RouterSignal::SourcesOffLan {
        ROUTER_SOURCED_OFFLAN
    } else {
        ROUTER_SUNK_OFFLAN
    };
    let list = lists.entry(mac).or_default();
    if list.len() >= threshold || list.contains(&ip) {
        return;
    }
    list.push(ip);
    if list.len() == threshold {
        facts.push(Fact::RouterSignal { signal, mac: Some(mac), ip, ts });
    }
}
