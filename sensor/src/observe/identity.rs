//! What the machine behind each registered MAC is, as its strongest clues
//! say: the first OS family and the first class learned, and every other
//! one shown since. A registered MAC that shows another machine's OS or
//! class is a fingerprint change.
//!
//! Only clues that speak for the whole machine count: its TCP stack, its
//! DHCP and DHCPv6 vendor class and host name, the services only one kind
//! of device announces (OS), its LLDP/CDP capabilities and platform and
//! its spanning-tree BPDUs (class). A browser's User-Agent or a shared
//! printer's mDNS service says what one program does, not what the
//! machine is. Network gear is one class here: an access point bridges
//! and a layer-3 switch routes, and each says so in its own words. Only
//! registered devices are tracked, so the table grows with the register,
//! not with the traffic.

use gapwatch_rules::classify::{Claim, claims, os_family};
use gapwatch_rules::fact::{Clue, ClueKind, Fingerprint};
use gapwatch_rules::{Fact, MacAddr};
use rustc_hash::FxHashMap;

/// A rule's weight from which a clue's claim counts (the table's weak
/// hints, such as a NetBIOS name pattern, do not).
const STRONG: u32 = 30;

/// Kinds whose OS claims speak for the machine.
const OS_KINDS: [ClueKind; 6] = [
    ClueKind::TcpStack,
    ClueKind::DhcpVendorClass,
    ClueKind::Dhcpv6VendorClass,
    ClueKind::DhcpHostName,
    ClueKind::MdnsService,
    ClueKind::SshBanner,
];

/// Kinds whose class claims speak for the machine.
const CLASS_KINDS: [ClueKind; 7] = [
    ClueKind::DhcpVendorClass,
    ClueKind::Dhcpv6VendorClass,
    ClueKind::DhcpHostName,
    ClueKind::LldpCapabilities,
    ClueKind::CdpCapabilities,
    ClueKind::CdpPlatform,
    ClueKind::StpBridgeId,
];

/// The family a class belongs to for telling machines apart: switches,
/// routers and access points are one (network gear), every other class
/// its own.
fn class_family(class: &'static str) -> &'static str {
    match class {
        "switch" | "router" | "access_point" => "network",
        other => other,
    }
}

/// One aspect of a machine: what was learned first, and what else it has
/// shown (each reported once).
#[derive(Default)]
struct Aspect {
    learned: Option<Fingerprint>,
    shown: Vec<&'static str>,
}

impl Aspect {
    /// Takes in `seen` (named `name`); returns the change to report, if
    /// it is one.
    fn saw(&mut self, name: &'static str, seen: Fingerprint) -> Option<(Fingerprint, Fingerprint)> {
        let Some(learned) = self.learned else {
            self.learned = Some(seen);
            self.shown.push(name);
            return None;
        };
        if self.shown.contains(&name) {
            return None;
        }
        self.shown.push(name);
        Some((learned, seen))
    }
}

/// The registered devices' OS and class.
#[derive(Default)]
pub struct Identities {
    known: FxHashMap<MacAddr, [Aspect; 2]>,
}

impl Identities {
    /// Takes in a new clue of a registered device; returns the fingerprint
    /// changes it shows: another OS family or class than learned.
    pub fn clue(&mut self, clue: &Clue) -> [Option<Fact>; 2] {
        let (os_kind, class_kind) =
            (OS_KINDS.contains(&clue.kind), CLASS_KINDS.contains(&clue.kind));
        if !os_kind && !class_kind {
            return [None, None];
        }
        let strongest = |of: fn(&Claim) -> Option<&'static str>| {
            claims(clue.kind.as_str(), &clue.value)
                .filter(|c| c.weight >= STRONG)
                .filter_map(|c| Some((of(&c)?, c)))
                .max_by_key(|(_, c)| c.weight)
        };
        let aspects = self.known.entry(clue.mac).or_default();
        let change = |(before, after)| Fact::FingerprintChanged {
            mac: clue.mac,
            before,
            after,
            ts: clue.ts,
        };
        let os = os_kind.then(|| strongest(|c| c.os)).flatten().and_then(|(os, c)| {
            let family = os_family(os);
            aspects[0].saw(family, Fingerprint::Os { family, why: c.why })
        });
        let class = class_kind.then(|| strongest(|c| c.class)).flatten().and_then(|(class, c)| {
            aspects[1].saw(class_family(class), Fingerprint::Class { class, why: c.why })
        });
        [os.map(change), class.map(change)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gapwatch_rules::Timestamp;

    const MAC: MacAddr = MacAddr([0x30, 0x05, 0x5c, 0x8a, 0x41, 0x2f]);

    fn clue(kind: ClueKind, value: &str, secs: i64) -> Clue {
        Clue { mac: MAC, kind, value: value.into(), ts: Timestamp::from_secs(secs) }
    }

    fn changes(
        ids: &mut Identities,
        kind: ClueKind,
        value: &str,
    ) -> Vec<(Fingerprint, Fingerprint)> {
        let found = ids.clue(&clue(kind, value, 1));
        found
            .into_iter()
            .flatten()
            .map(|f| match f {
                Fact::FingerprintChanged { before, after, .. } => (before, after),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    fn names(found: &[(Fingerprint, Fingerprint)]) -> Vec<(&'static str, &'static str)> {
        let name = |f: &Fingerprint| match *f {
            Fingerprint::Os { family, .. } => family,
            Fingerprint::Class { class, .. } => class,
            Fingerprint::Ttl(_) => "ttl",
        };
        found.iter().map(|(b, a)| (name(b), name(a))).collect()
    }

    #[test]
    fn the_first_strong_clue_is_learned_and_each_other_machine_fires_once() {
        let mut ids = Identities::default();
        assert!(changes(&mut ids, ClueKind::DhcpVendorClass, "MSFT 5.0").is_empty(), "learned");
        assert!(changes(&mut ids, ClueKind::TcpStack, "Windows").is_empty(), "agrees");
        let found = changes(&mut ids, ClueKind::DhcpVendorClass, "android-dhcp-13");
        assert_eq!(names(&found), [("Windows", "Linux"), ("workstation", "phone")]);
        assert!(changes(&mut ids, ClueKind::TcpStack, "Linux").is_empty(), "Linux shown");
        assert!(changes(&mut ids, ClueKind::TcpStack, "Windows").is_empty(), "back: no repeat");
        let found = changes(&mut ids, ClueKind::TcpStack, "macOS");
        assert_eq!(names(&found), [("Windows", "Apple")], "before stays the learned one");
    }

    #[test]
    fn weak_clues_and_what_programs_say_do_not_count() {
        let mut ids = Identities::default();
        assert!(changes(&mut ids, ClueKind::TcpStack, "Windows").is_empty());
        // A Linux browser's agent, a shared printer's service, a weak hint.
        assert!(
            changes(&mut ids, ClueKind::HttpUserAgent, "Mozilla/5.0 (X11; Linux x86_64)")
                .is_empty()
        );
        assert!(changes(&mut ids, ClueKind::MdnsService, "_companion-link._tcp").is_empty());
        assert!(changes(&mut ids, ClueKind::DhcpHostName, "unknown-box").is_empty());
        // Android and Kylin are one family with Linux: a Linux stack is no
        // news after an Android vendor class.
        let mut ids = Identities::default();
        assert!(changes(&mut ids, ClueKind::DhcpVendorClass, "android-dhcp-13").is_empty());
        assert!(changes(&mut ids, ClueKind::TcpStack, "Linux").is_empty());
    }

    #[test]
    fn network_gear_describing_itself_in_several_ways_is_one_machine() {
        // A Cisco access point: CDP "bridge", an AIR platform, a Cisco
        // vendor class; an IP phone: its built-in switch and its phone.
        let mut ap = Identities::default();
        assert!(changes(&mut ap, ClueKind::CdpCapabilities, "bridge").is_empty());
        assert!(changes(&mut ap, ClueKind::CdpPlatform, "cisco AIR-AP2802I-H-K9").is_empty());
        assert!(changes(&mut ap, ClueKind::DhcpVendorClass, "Cisco AP c2800").is_empty());
        assert!(changes(&mut ap, ClueKind::LldpCapabilities, "bridge,router").is_empty());
        let mut phone = Identities::default();
        assert!(changes(&mut phone, ClueKind::LldpCapabilities, "bridge,telephone").is_empty());
        assert!(changes(&mut phone, ClueKind::CdpCapabilities, "station,telephone").is_empty());
        assert!(
            changes(&mut phone, ClueKind::DhcpVendorClass, "Cisco Systems, Inc. IP Phone CP-7841")
                .is_empty()
        );
        // The phone's MAC turning up on a switch is a change.
        let found = changes(&mut phone, ClueKind::StpBridgeId, "32768/00:1b:21:00:00:04");
        assert_eq!(names(&found), [("iot", "switch")]);
    }
}
