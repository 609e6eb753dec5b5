//! `route.external_dns`: a device looks up a name outside the site, or asks
//! a resolver outside the LAN.
//!
//! Why: clauses 5.3 and 5.4 — processing machines are never connected to
//! the internet, and the LAN is isolated. A query for an internet name
//! shows software that expects to get out (updates, telemetry, a browser);
//! a query sent to an outside resolver is itself a packet leaving the LAN.
//!
//! Fires on a DNS query (port 53; mDNS and LLMNR are other ports and stay
//! silent) when
//! - the resolver is outside the LAN (high), or
//! - the name is outside the policy's `local_domains` and not local by
//!   nature: single labels, `.local`, `.lan`, `.internal`, `.localdomain`,
//!   `.home.arpa`, reverse lookups (`in-addr.arpa`, `ip6.arpa`), and the
//!   reserved `.localhost`, `.invalid`, `.test` (medium).
//!
//! A name in the probe table (`data/probes.tsv`) asked of a LAN resolver is
//! left to `route.connectivity_probe`, which says what the probe is. One
//! alert per client; the evidence lists the names and the resolvers.
//!
//! Known false positives: a site whose internal DNS zone is not declared in
//! `local_domains`; declare it.

use serde_json::json;

use super::{KindInfo, evidence, joined, merge_lists};
use crate::alert::{AlertKind, Evidence, Finding, Severity, Subject};
use crate::fact::{Fact, FactKind, NameVia};
use crate::lang::Lang;
use crate::net::{ip_text, is_local_scope};
use crate::policy::{Policy, in_domain};
use crate::probe;

/// At most this many names and resolvers are kept in the evidence.
const MAX_NAMES: usize = 32;
const MAX_RESOLVERS: usize = 8;

/// Domains that never leave a LAN, whatever the policy says.
const LOCAL_BY_NATURE: [&str; 11] = [
    "local",
    "lan",
    "internal",
    "localdomain",
    "home.arpa",
    "in-addr.arpa",
    "ip6.arpa",
    "localhost",
    "invalid",
    "test",
    // Discovery of designated (encrypted) resolvers, RFC 9462: asked of
    // the configured resolver about itself.
    "resolver.arpa",
];

/// The catalog entry.
pub static INFO: KindInfo = KindInfo {
    kind: AlertKind::RouteExternalDns,
    id: "route.external_dns",
    severity: Severity::Medium,
    clause: "5.4",
    clauses: &["5.3", "5.4"],
    title_zh: "查询外部域名",
    title_en: "External DNS lookup",
    explain_zh: "设备查询了本场所域名以外的名称，或向网外的 DNS 服务器发出查询。加工用计算机严禁连接互联网（5.3），\
        加工网络须物理隔离（5.4）：这说明设备上有软件在尝试访问外部网络（更新、遥测、浏览器等）。\
        请检查该设备的 DNS 设置并关闭相关软件；如为场所内部域名，请将其加入策略的 local_domains。",
    explain_en: "A device looked up a name outside the site's domains, or asked a DNS resolver \
        outside the LAN. Processing machines must never connect to the internet (5.3) and the \
        LAN must be isolated (5.4): some software on the device is trying to get out (updates, \
        telemetry, a browser). Check the device's DNS settings and the software; if the name \
        is an internal zone, add it to local_domains in the policy.",
    facts: &[FactKind::NameRequested],
    check,
    merge,
    message,
};

fn check(fact: &Fact, policy: &Policy) -> Option<Finding> {
    let Fact::NameRequested(request) = fact else {
        return None;
    };
    if request.via != NameVia::Dns {
        return None;
    }
    let resolver = request.server.ip;
    let resolver_outside = !policy.is_lan(resolver) && !is_local_scope(resolver);
    let name = request.name.as_str();
    let name_outside = !is_local_name(name, policy) && probe::lookup(name).is_none();
    if !resolver_outside && !name_outside {
        return None;
    }
    let severity = if resolver_outside { Severity::High } else { INFO.severity };
    Some(Finding {
        kind: AlertKind::RouteExternalDns,
        subject: Subject { mac: request.client.mac, ip: Some(request.client.ip) },
        ts: request.ts,
        evidence: evidence(if resolver_outside {
            json!({ "names": [name], "outside_resolvers": [ip_text(resolver).as_str()] })
        } else {
            json!({ "names": [name], "resolvers": [ip_text(resolver).as_str()] })
        }),
        severity,
    })
}

/// True when `name` stays inside the site: one label, a declared local
/// domain, or a domain local by nature.
fn is_local_name(name: &str, policy: &Policy) -> bool {
    !name.contains('.')
        || policy.is_local_domain(name)
        || LOCAL_BY_NATURE.iter().any(|domain| in_domain(name, domain))
}

fn merge(into: &mut Evidence, new: Evidence) {
    let keys =
        [("names", MAX_NAMES), ("resolvers", MAX_RESOLVERS), ("outside_resolvers", MAX_RESOLVERS)];
    merge_lists(into, &new, &keys);
}

fn message(subject: &Subject, evidence: &Evidence, lang: Lang) -> String {
    let names = joined(evidence, "names", ", ");
    let outside = joined(evidence, "outside_resolvers", ", ");
    if !outside.is_empty() {
        return match lang {
            Lang::Zh => format!("{subject} 向网外 DNS 服务器 {outside} 查询：{names}"),
            Lang::En => {
                format!("{subject} asked resolvers outside the LAN ({outside}) for {names}")
            }
        };
    }
    let resolvers = joined(evidence, "resolvers", ", ");
    match lang {
        Lang::Zh => format!("{subject} 查询外部域名：{names}（DNS 服务器 {resolvers}）"),
        Lang::En => {
            format!("{subject} looked up names outside the site: {names} (resolver {resolvers})")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fact::{Endpoint, NameRequest};
    use crate::net::MacAddr;
    use crate::time::Timestamp;

    fn policy() -> Policy {
        Policy::parse(
            "[site]\nlan = [\"10.20.0.0/16\"]\nlocal_domains = [\"dig.local\", \"archive.example\"]\n",
            "p.toml",
        )
        .unwrap()
    }

    fn query(name: &str, resolver: &str) -> Fact {
        let ep = |ip: &str, port| Endpoint {
            mac: Some(MacAddr([0x02, 0, 0, 0, 0, 7])),
            ip: ip.parse().unwrap(),
            port,
        };
        Fact::NameRequested(NameRequest {
            proto: 17,
            client: ep("10.20.1.7", 50000),
            server: ep(resolver, 53),
            name: name.to_owned(),
            via: NameVia::Dns,
            ts: Timestamp::from_secs(9),
        })
    }

    #[test]
    fn an_internet_name_asked_of_the_lan_resolver_is_medium() {
        let found = check(&query("www.baidu.com", "10.20.0.2"), &policy()).expect("fires");
        assert_eq!(found.severity, Severity::Medium);
        assert_eq!(found.subject.ip, Some("10.20.1.7".parse().unwrap()));
        assert_eq!(found.evidence["names"], json!(["www.baidu.com"]));
        assert_eq!(found.evidence["resolvers"], json!(["10.20.0.2"]));
    }

    #[test]
    fn an_outside_resolver_is_high_whatever_the_name() {
        let found = check(&query("fs01.dig.local", "8.8.8.8"), &policy()).expect("fires");
        assert_eq!(found.severity, Severity::High);
        let en = message(&found.subject, &found.evidence, Lang::En);
        assert!(
            en.contains("asked resolvers outside the LAN (8.8.8.8) for fs01.dig.local"),
            "{en}"
        );
    }

    #[test]
    fn local_names_stay_silent() {
        let p = policy();
        for name in [
            "fs01.dig.local",
            "dig.local",
            "scan.archive.example",
            "fs01",
            "printer.local",
            "nas.lan",
            "10.0.20.10.in-addr.arpa",
            "b.a.9.8.ip6.arpa",
            "router.home.arpa",
            "wpad",
            "_dns.resolver.arpa",
        ] {
            assert!(check(&query(name, "10.20.0.2"), &p).is_none(), "{name}");
        }
    }

    #[test]
    fn probes_are_left_to_their_own_kind_unless_the_resolver_is_outside() {
        let p = policy();
        assert!(check(&query("www.msftconnecttest.com", "10.20.0.2"), &p).is_none());
        assert!(check(&query("www.msftconnecttest.com", "114.114.114.114"), &p).is_some());
    }

    #[test]
    fn http_hosts_are_not_dns() {
        let Fact::NameRequested(mut r) = query("www.baidu.com", "10.20.0.2") else {
            unreachable!()
        };
        r.via = NameVia::HttpHost;
        assert!(check(&Fact::NameRequested(r), &policy()).is_none());
    }

    #[test]
    fn repeats_collect_names_and_messages_list_them() {
        let p = policy();
        let mut e = check(&query("a.example.com", "10.20.0.2"), &p).unwrap().evidence;
        merge(&mut e, check(&query("b.example.com", "10.20.0.2"), &p).unwrap().evidence);
        merge(&mut e, check(&query("a.example.com", "10.20.0.2"), &p).unwrap().evidence);
        assert_eq!(e["names"], json!(["a.example.com", "b.example.com"]));
        let subject = Subject { mac: None, ip: Some("10.20.1.7".parse().unwrap()) };
        let en = message(&subject, &e, Lang::En);
        assert!(en.contains("a.example.com, b.example.com") && en.contains("10.20.0.2"), "{en}");
        assert!(message(&subject, &e, Lang::Zh).contains("查询外部域名"));
    }
}
