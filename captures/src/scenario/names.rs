//! The scenarios of names: a workstation asking for the internet through
//! the site's own resolver and a proxy, and the local names a LAN resolves
//! all day.

use std::net::IpAddr;

use super::acts;
use super::site::{Asset, Dev, Trace, local, ms, policy_toml};
use super::small::{SNAPLEN, fs};
use super::{ExpectedAlert, Scenario};
use crate::frames::{self, Os, Tcp};
use crate::payload::dns;
use crate::rng::Rng;

/// `internet-names`: a workstation asks the site's resolver for internet
/// names and sends an NCSI request through a proxy on the LAN.
pub fn internet_names() -> Scenario {
    let mut rng = Rng::new(0x6e61_6d65);
    let mut tr = Trace::default();
    let fs = fs();
    let ws = Dev::new("98:e7:43:0a:6c:22", [10, 20, 1, 22], Os::Windows, "WS-02");
    let proxy = Dev::new("00:0d:b9:4f:2c:50", [10, 20, 0, 50], Os::Linux, "proxy");

    // 09:20 a browser and the Kylin updater on WS-02 ask FS01; FS01 knows
    // neither name.
    let t = acts::arp_resolve(&mut tr, &mut rng, &ws, &fs, ms(local(9, 20, 0), 75));
    let baidu_at = ms(t, 2);
    let t = acts::dns_lookup(&mut tr, &mut rng, &ws, &fs, "www.baidu.com", &[], 3, baidu_at);
    let kylin_at = ms(t, 1800);
    acts::dns_lookup(&mut tr, &mut rng, &ws, &fs, "archive.kylinos.cn", &[], 3, kylin_at);
    // 09:25 Windows' connectivity check goes to a proxy someone set up on
    // the LAN: an HTTP request naming www.msftconnecttest.com.
    let t = acts::arp_resolve(&mut tr, &mut rng, &ws, &proxy, ms(local(9, 25, 0), 410));
    let mut ncsi = Tcp::new(ws.peer(rng.ephemeral_port()), proxy.peer(3128), ms(t, 1), 7);
    ncsi.connect(&mut tr.recs);
    let request = tr.recs.len();
    let head: &[u8] = b"GET http://www.msftconnecttest.com/connecttest.txt HTTP/1.1\r\n\
        Connection: Close\r\nUser-Agent: Microsoft NCSI\r\nHost: www.msftconnecttest.com\r\n\r\n";
    ncsi.send(&mut tr.recs, true, head.len(), head);
    let ncsi_at = tr.recs[request].ts;
    ncsi.wait_ms(3);
    ncsi.send(&mut tr.recs, false, 60, b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
    ncsi.close(&mut tr.recs, false);

    let assets = [
        Asset::of(&fs, "文件服务器 FS01", "fileserver"),
        Asset::of(&ws, "质检工作站-02", "workstation"),
        Asset::of(&proxy, "代理服务器（测试）", "server"),
    ];
    let policy = policy_toml("Every device is registered.", "10.20.0.0/16", &assets);
    Scenario::new(
        "internet-names",
        "A workstation asks the site's resolver for internet names and checks connectivity through a LAN proxy",
        "\
At 09:20 WS-02 asks FS01, the site's resolver, for www.baidu.com (a browser) and archive.kylinos.cn (the
Kylin updater); FS01 answers neither. At 09:25 Windows' connectivity check sends an HTTP request for
www.msftconnecttest.com to a proxy on the LAN (10.20.0.50:3128). Nothing leaves the LAN, but the machine
behaves as if it were online: route.external_dns on WS-02, medium (www.baidu.com, asked of a LAN resolver;
the Kylin archive is left to the probe alert), and route.connectivity_probe on WS-02, count 2 (the Kylin
archive by DNS, NCSI by HTTP).

09:20 WS-02 向场所的 DNS 服务器 FS01 查询 www.baidu.com（浏览器）和 archive.kylinos.cn（麒麟更新程序），FS01 均无
结果。09:25 Windows 的联网检测向网内的代理（10.20.0.50:3128）发出访问 www.msftconnecttest.com 的 HTTP 请求。没有
数据离开本网，但这台计算机仍按联网环境工作：WS-02 上的 route.external_dns，中（www.baidu.com，向网内服务器查询；
麒麟更新源由探测告警报告），以及 WS-02 上的 route.connectivity_probe，计数 2（DNS 查询麒麟更新源、HTTP 访问
NCSI）。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![
            ExpectedAlert::external_dns(ws.mac, ws.ip, "medium", (baidu_at, baidu_at, 1)),
            ExpectedAlert::connectivity_probe(ws.mac, ws.ip, (kylin_at, ncsi_at, 2)),
        ],
    )
}

/// `local-names`: the look-alike of `internet-names` — every way a LAN
/// resolves its own names.
pub fn local_names() -> Scenario {
    let mut rng = Rng::new(0x6c6f_6361);
    let mut tr = Trace::default();
    let fs = fs();
    let ws = Dev::new("98:e7:43:0a:6c:22", [10, 20, 1, 22], Os::Windows, "WS-02");
    let scan = Dev::new("00:80:17:6b:0e:11", [10, 20, 1, 11], Os::Embedded, "SCAN-01");

    let t = acts::arp_resolve(&mut tr, &mut rng, &ws, &fs, ms(local(9, 20, 0), 75));
    let mut t = ms(t, 2);
    // Unicast DNS to FS01: the site's domain, a single label, WPAD, a
    // reverse lookup of a LAN address, a .local name asked of the server.
    for name in ["fs01.dig.local", "FS01", "wpad", "10.0.20.10.in-addr.arpa", "scan01.local"] {
        t = acts::dns_lookup(&mut tr, &mut rng, &ws, &fs, name, &[fs.ip], 0, ms(t, 40));
    }
    // Multicast name services: mDNS, LLMNR, NetBIOS.
    let q = dns::mdns_query(&[("_ipp._tcp.local", dns::TYPE_PTR)], false);
    tr.at(ms(t, 300), frames::mdns(ws.mac, IpAddr::V4(ws.ip), &q));
    let id = rng.next_u16();
    tr.at(ms(t, 400), frames::llmnr_query(ws.mac, IpAddr::V4(ws.ip), 53_222, id, "scan01"));
    let bcast = std::net::Ipv4Addr::new(10, 20, 255, 255);
    let id = rng.next_u16();
    tr.at(ms(t, 500), frames::nbns_query(ws.mac, ws.ip, bcast, id, "SCAN01", 0x20));
    // The scanner's web page by name and by address.
    let t = acts::arp_resolve(&mut tr, &mut rng, &ws, &scan, ms(t, 2000));
    for host in ["scan01.dig.local", "10.20.1.11"] {
        let mut web = Tcp::new(ws.peer(rng.ephemeral_port()), scan.peer(80), ms(t, 5), 9);
        web.connect(&mut tr.recs);
        let head = format!("GET / HTTP/1.1\r\nHost: {host}\r\nUser-Agent: Mozilla/5.0\r\n\r\n");
        web.send(&mut tr.recs, true, head.len(), head.as_bytes());
        web.wait_ms(4);
        web.send(&mut tr.recs, false, 900, b"HTTP/1.1 200 OK\r\n\r\n");
        web.close(&mut tr.recs, true);
    }

    let assets = [
        Asset::of(&fs, "文件服务器 FS01", "fileserver"),
        Asset::of(&ws, "质检工作站-02", "workstation"),
        Asset::of(&scan, "扫描仪-01", "scanner"),
    ];
    let policy = policy_toml("Every device is registered.", "10.20.0.0/16", &assets);
    Scenario::new(
        "local-names",
        "Local names only: the site's domain, single labels, WPAD, reverse lookups, mDNS, LLMNR, NetBIOS, a scanner's web page",
        "\
WS-02 asks FS01 for fs01.dig.local (the site's domain, declared in local_domains), FS01 and wpad (single
labels), 10.0.20.10.in-addr.arpa (a reverse lookup) and scan01.local; it sends mDNS, LLMNR and NetBIOS
queries, and opens the scanner's web page by name and by address. Every name stays on the LAN: silent.

WS-02 向 FS01 查询 fs01.dig.local（场所域名，已写入 local_domains）、FS01 和 wpad（单标签名）、
10.0.20.10.in-addr.arpa（反向解析）和 scan01.local；发出 mDNS、LLMNR 和 NetBIOS 查询，并按名称和地址打开扫描仪的
网页。所有名称都在本网之内：不告警。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![],
    )
}
