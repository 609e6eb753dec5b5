//! `route.connectivity_probe`: a device checks whether it is online, looks
//! for updates or tries to set its clock from the internet.
//!
//! Why: clause 5.3 — processing machines are never connected to the
//! internet. Operating systems probe by default (Windows NCSI, captive-
//! portal checks, update and time services); on an isolated LAN a probe
//! shows a machine set up as if it were online, which should be turned off
//! so nothing keeps trying to get out.
//!
//! Fires on a DNS query or an HTTP request whose name is in the probe table
//! (`data/probes.tsv`, easy to extend). One alert per client; the evidence
//! lists the names and what each probe is. Low: a probe is a setting to
//! fix, not a path out (when it gets an answer from outside,
//! `route.offlan_reply` says so).
//!
//! Known false positives: none on an isolated LAN; an internal mirror under
//! one of the table's names (rare) can be removed from the table.

use serde_json::json;

use super::{KindInfo, evidence, joined, merge_lists};
use crate::alert::{AlertKind, Evidence, Finding, Severity, Subject};
use crate::fact::{Fact, FactKind};
use crate::lang::Lang;
use crate::policy::Policy;
use crate::probe;

/// At most this many names are kept in the evidence.
const MAX_NAMES: usize = 16;

/// The catalog entry.
pub static INFO: KindInfo = KindInfo {
    kind: AlertKind::RouteConnectivityProbe,
    id: "route.connectivity_probe",
    severity: Severity::Low,
    clause: "5.3",
    clauses: &["5.3"],
    title_zh: "联网探测",
    title_en: "Internet connectivity probe",
    explain_zh: "设备在探测互联网：联网状态检测（如 Windows NCSI）、强制门户检测、系统更新或网络校时。\
        加工用计算机严禁连接互联网（5.3），这类探测说明设备仍按联网环境配置。\
        请在该设备上关闭联网检测、自动更新与网络校时（如通过组策略），校时改用场所内部时间源。",
    explain_en: "A device is probing for the internet: a connectivity check (such as Windows \
        NCSI), a captive-portal check, an update check or network time. Processing machines \
        must never connect to the internet (5.3); the probe shows the device is still set up \
        as if it were online. Turn off the connectivity check, automatic updates and internet \
        time on it (for example by group policy) and use the site's own time source.",
    facts: &[FactKind::NameRequested],
    check,
    merge,
    message,
};

fn check(fact: &Fact, _policy: &Policy) -> Option<Finding> {
    let Fact::NameRequested(request) = fact else {
        return None;
    };
    let found = probe::lookup(&request.name)?;
    Some(Finding {
        kind: AlertKind::RouteConnectivityProbe,
        subject: Subject { mac: request.client.mac, ip: Some(request.client.ip) },
        ts: request.ts,
        evidence: evidence(json!({
            "names": [request.name],
            "probes_zh": [format!("{} {}", found.who, found.what_zh)],
            "probes_en": [format!("{} {}", found.who, found.what_en)],
            "via": [request.via.as_str()],
        })),
        severity: INFO.severity,
    })
}

fn merge(into: &mut Evidence, new: Evidence) {
    let keys =
        [("names", MAX_NAMES), ("probes_zh", MAX_NAMES), ("probes_en", MAX_NAMES), ("via", 2)];
    merge_lists(into, &new, &keys);
}

fn message(subject: &Subject, evidence: &Evidence, lang: Lang) -> String {
    let names = joined(evidence, "names", ", ");
    match lang {
        Lang::Zh => {
            let what = joined(evidence, "probes_zh", "、");
            format!("{subject} 在探测互联网（{what}）：{names}")
        }
        Lang::En => {
            let what = joined(evidence, "probes_en", ", ");
            format!("{subject} is probing for the internet ({what}): {names}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fact::{Endpoint, NameRequest, NameVia};
    use crate::time::Timestamp;

    fn request(name: &str, via: NameVia) -> Fact {
        let ep = |ip: &str, port| Endpoint { mac: None, ip: ip.parse().unwrap(), port };
        Fact::NameRequested(NameRequest {
            proto: 17,
            client: ep("10.20.1.7", 50000),
            server: ep("10.20.0.2", 53),
            name: name.to_owned(),
            via,
            ts: Timestamp::from_secs(9),
        })
    }

    #[test]
    fn a_windows_ncsi_lookup_fires_and_says_what_it_is() {
        let p = Policy::inventory();
        let found = check(&request("www.msftconnecttest.com", NameVia::Dns), &p).expect("fires");
        assert_eq!(found.severity, Severity::Low);
        let subject = found.subject;
        let en = message(&subject, &found.evidence, Lang::En);
        assert!(en.contains("Windows network connectivity check (NCSI)"), "{en}");
        assert!(en.contains("www.msftconnecttest.com"), "{en}");
        let zh = message(&subject, &found.evidence, Lang::Zh);
        assert!(zh.contains("Windows 网络连接状态检测"), "{zh}");
    }

    #[test]
    fn an_http_host_fires_too_and_repeats_merge() {
        let p = Policy::inventory();
        let mut e = check(&request("connectivitycheck.gstatic.com", NameVia::HttpHost), &p)
            .expect("fires")
            .evidence;
        let more = check(&request("time.windows.com", NameVia::Dns), &p).unwrap().evidence;
        merge(&mut e, more);
        assert_eq!(e["names"], json!(["connectivitycheck.gstatic.com", "time.windows.com"]));
        assert_eq!(e["via"], json!(["http", "dns"]));
    }

    #[test]
    fn lookalike_and_local_names_stay_silent() {
        let p = Policy::inventory();
        for name in ["fs01.dig.local", "msftconnecttest.com.dig.local", "update.example.com"] {
            assert!(check(&request(name, NameVia::Dns), &p).is_none(), "{name}");
        }
    }
}
