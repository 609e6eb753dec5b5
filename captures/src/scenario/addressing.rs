//! The scenarios of who hands out and claims addresses: ARP poisoning and
//! ordinary ARP, a rogue DHCP server beside the site's own.

use std::net::Ipv4Addr;

use gapwatch_rules::MacAddr;

use super::acts;
use super::site::{Asset, Dev, Trace, local, ms, policy_toml, us};
use super::small::{SNAPLEN, fs, read_plan, reserved_scope};
use super::{ExpectedAlert, Scenario};
use crate::frames::{self, Os};
use crate::payload::dhcp;
use crate::rng::Rng;

const ARP_POISONING: (&str, &str, &str) = ("device.arp_poisoning", "high", "5.8");

/// `arp-poisoning`: a workstation running a man-in-the-middle tool tells
/// WS-01 that it is the file server.
pub fn arp_poisoning() -> Scenario {
    let mut rng = Rng::new(0x6172_7073);
    let mut tr = Trace::default();
    let fs = fs();
    let ws1 = Dev::new("f8:bc:12:9e:33:21", [10, 20, 1, 21], Os::Windows, "WS-01");
    let ws3 = Dev::new("6c:4b:90:1d:7a:23", [10, 20, 1, 23], Os::Windows, "WS-03");

    // 09:00 the LAN as usual: FS01 announces itself, WS-01 asks for it and
    // reads a file; WS-03 announces its own address.
    let t = acts::arp_claim(&mut tr, &mut rng, &fs, ms(local(9, 0, 0), 120));
    let t = acts::arp_claim(&mut tr, &mut rng, &ws3, ms(t, 800));
    let t = acts::arp_resolve(&mut tr, &mut rng, &ws1, &fs, ms(t, 900));
    acts::smb_session(&mut tr, &mut rng, &ws1, &fs, ms(t, 3), &read_plan(12_000));
    // 09:10 WS-03 tells WS-01, unasked, that 10.20.0.10 is at WS-03's MAC,
    // three times two seconds apart, as arpspoof does ...
    let first_lie = ms(local(9, 10, 0), 310);
    for k in 0..3 {
        let lie = frames::arp_reply(ws3.mac, fs.ip, (ws1.mac, ws1.ip));
        tr.at(ms(first_lie, 2000 * k), lie);
    }
    // ... then claims it to everyone with a gratuitous reply.
    let gratuitous_at = ms(first_lie, 6500);
    let to_all = (MacAddr::BROADCAST, fs.ip);
    tr.at(gratuitous_at, frames::arp(2, ws3.mac, MacAddr::BROADCAST, (ws3.mac, fs.ip), to_all));

    let assets = [
        Asset::of(&fs, "文件服务器 FS01", "fileserver"),
        Asset::of(&ws1, "质检工作站-01", "workstation"),
        Asset::of(&ws3, "著录工作站-03", "workstation"),
    ];
    let policy = policy_toml("Every device is registered.", "10.20.0.0/16", &assets);
    Scenario::new(
        "arp-poisoning",
        "A workstation poisons ARP: unsolicited replies, then a gratuitous reply, claiming the file server's address",
        "\
FS01 (10.20.0.10) and WS-03 announce their addresses; WS-01 asks for FS01 and reads a file. At 09:10 WS-03
sends WS-01 three ARP replies nobody asked for, each saying 10.20.0.10 is at WS-03's MAC, then a gratuitous
ARP reply to everyone with the same claim: device.arp_poisoning on WS-03, count 4. The first lie also binds
the file server's address to WS-03: device.ip_conflict on WS-03, high (the register pins 10.20.0.10 to FS01).

FS01（10.20.0.10）和 WS-03 宣告各自的地址；WS-01 解析 FS01 并读取文件。09:10 WS-03 向 WS-01 发出三个无人请求的
ARP 应答，均称 10.20.0.10 在 WS-03 的 MAC 上，随后又向全网发出同样内容的免费 ARP 应答：WS-03 上的
device.arp_poisoning，计数 4。第一个虚假应答同时把文件服务器的地址绑定到 WS-03：WS-03 上的
device.ip_conflict，高（登记表把 10.20.0.10 固定给 FS01）。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![
            ExpectedAlert::device(ARP_POISONING, ws3.mac, None, (first_lie, gratuitous_at, 4)),
            ExpectedAlert::ip_conflict(ws3.mac, fs.ip, "high", first_lie),
        ],
    )
}

/// `arp-normal`: the look-alike of `arp-poisoning` — ARP as operating
/// systems use it.
pub fn arp_normal() -> Scenario {
    let mut rng = Rng::new(0x6172_706e);
    let mut tr = Trace::default();
    let fs = fs();
    let ws1 = Dev::new("f8:bc:12:9e:33:21", [10, 20, 1, 21], Os::Windows, "WS-01");
    let prn = Dev::new("30:05:5c:8a:41:2f", [10, 20, 0, 40], Os::Embedded, "BRN30055C8A412F");
    let scan = Dev::new("00:80:17:6b:0e:11", [10, 20, 1, 11], Os::Embedded, "SCAN-01");

    // The capture starts in the middle of an exchange: a reply whose
    // request came before it.
    let start = ms(local(9, 0, 0), 40);
    tr.at(start, frames::arp_reply(fs.mac, fs.ip, (scan.mac, scan.ip)));
    // Probes and announcements (requests: how an OS takes an address).
    let t = acts::arp_claim(&mut tr, &mut rng, &ws1, ms(start, 1200));
    let t = acts::arp_claim(&mut tr, &mut rng, &prn, ms(t, 700));
    // Questions answered within milliseconds, both ways.
    let t = acts::arp_resolve(&mut tr, &mut rng, &ws1, &fs, ms(t, 9000));
    let t = acts::arp_resolve(&mut tr, &mut rng, &fs, &ws1, ms(t, 40));
    let t = acts::arp_resolve(&mut tr, &mut rng, &scan, &fs, ms(t, 500));
    // Linux-style unicast refresh: a request sent to the cached MAC and its
    // answer (a mirror port sees both).
    let refresh = frames::arp(1, scan.mac, fs.mac, (scan.mac, scan.ip), (fs.mac, fs.ip));
    tr.at(ms(t, 30_000), refresh);
    tr.at(us(ms(t, 30_000), 180), frames::arp_reply(fs.mac, fs.ip, (scan.mac, scan.ip)));
    // The printer re-announces its own address with a gratuitous reply
    // after a link flap: its own, so nobody's cache is stolen.
    let flap = ms(t, 45_000);
    let own = (MacAddr::BROADCAST, prn.ip);
    tr.at(flap, frames::arp(2, prn.mac, MacAddr::BROADCAST, (prn.mac, prn.ip), own));

    let assets = [
        Asset::of(&fs, "文件服务器 FS01", "fileserver"),
        Asset::of(&ws1, "质检工作站-01", "workstation"),
        Asset::of(&prn, "激光打印机", "printer"),
        Asset::of(&scan, "扫描仪-01", "scanner"),
    ];
    let policy = policy_toml("Every device is registered.", "10.20.0.0/16", &assets);
    Scenario::new(
        "arp-normal",
        "ARP as operating systems use it: probes, announcements, answers, unicast refreshes, a reply at capture start",
        "\
The capture opens on a reply whose request came before it started. Then WS-01 and the printer probe and
announce their addresses, devices ask for each other and are answered within milliseconds, the scanner
refreshes its cache entry for FS01 with a unicast request, and the printer re-announces its own address
with a gratuitous reply after a link flap. No reply is unsolicited and nobody claims another's address:
silent.

抓包开始于一个应答，其请求发生在抓包之前。随后 WS-01 和打印机探测并宣告各自的地址，设备相互解析并在数毫秒内得到
应答，扫描仪以单播请求刷新 FS01 的缓存条目，打印机在链路抖动后以免费 ARP 应答重新宣告自己的地址。没有无人请求的
应答，也没有设备抢占他人地址：不告警。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![],
    )
}

/// `rogue-dhcp`: a home router plugged into the LAN answers a
/// workstation's DHCP request beside the site's own server.
pub fn rogue_dhcp() -> Scenario {
    let mut rng = Rng::new(0x726f_6775);
    let mut tr = Trace::default();
    let fs = fs();
    let ws = Dev::new("f8:bc:12:9e:33:21", [10, 20, 1, 21], Os::Windows, "WS-01");
    let router = Dev::new("d0:37:45:1a:2b:3c", [192, 168, 1, 1], Os::Linux, "TL-WR841N");
    let scope = reserved_scope(&fs);
    let home = dhcp::ServerConfig {
        server_ip: router.ip,
        subnet_mask: Ipv4Addr::new(255, 255, 255, 0),
        router: Some(router.ip),
        dns: vec![router.ip],
        domain: None,
        lease_secs: 7200,
    };

    // 09:00 WS-01 asks; the home router answers first, FS01 a moment
    // later; the workstation takes FS01's offer.
    let client = dhcp::Client::windows(ws.mac, ws.host);
    let xid = rng.next_u32();
    let discover = client.discover(xid, 0, None);
    let t = ms(local(9, 0, 0), 260);
    tr.at(t, frames::dhcp_client(&discover));
    let rogue_offer = us(t, 640);
    let offer = home.reply(&discover, dhcp::MessageType::Offer, Ipv4Addr::new(192, 168, 1, 100));
    tr.at(rogue_offer, frames::dhcp_server(router.mac, router.ip, &offer));
    let offer = scope.reply(&discover, dhcp::MessageType::Offer, ws.ip);
    tr.at(us(t, 2210), frames::dhcp_server(fs.mac, fs.ip, &offer));
    let request = client.request(xid, 0, ws.ip, fs.ip);
    let t = us(t, 9800);
    tr.at(t, frames::dhcp_client(&request));
    let ack = scope.reply(&request, dhcp::MessageType::Ack, ws.ip);
    tr.at(us(t, 1500), frames::dhcp_server(fs.mac, fs.ip, &ack));

    let assets = [
        Asset::of(&fs, "文件服务器 FS01", "fileserver"),
        Asset::of(&ws, "质检工作站-01", "workstation"),
    ];
    let policy = policy_toml(
        "Every device of the site is registered; FS01 is its DHCP server.",
        "10.20.0.0/16",
        &assets,
    );
    Scenario::new(
        "rogue-dhcp",
        "A home router plugged into the LAN offers an address, a gateway and its own DNS beside FS01",
        "\
At 09:00 WS-01 broadcasts a DHCP DISCOVER. A TP-Link home router someone plugged in (not registered)
answers first, offering 192.168.1.100 with itself as gateway and DNS server; FS01, the site's server,
offers 10.20.1.21 with only its own DNS, and WS-01 takes FS01's offer. route.rogue_dhcp on the router
(unregistered, hands out a gateway and a DNS server outside the LAN), and device.unregistered for it
(its address is outside the LAN, so none is bound). Its offer goes unicast to 192.168.1.100, an address
outside the LAN: route.offlan_destination on the router. FS01's offer and acknowledgement stay silent.

09:00 WS-01 广播 DHCP DISCOVER。有人私接的 TP-Link 家用路由器（未登记）抢先应答，提供 192.168.1.100，并把自己作为
网关和 DNS 服务器；场所的服务器 FS01 提供 10.20.1.21，只下发自己的 DNS，WS-01 接受了 FS01 的提供。路由器上的
route.rogue_dhcp（未登记、下发网关和网外 DNS），以及该路由器的 device.unregistered（其地址不在本网，不绑定地址）。
它的提供以单播发往本网以外的 192.168.1.100：路由器上的 route.offlan_destination。FS01 的提供和确认不告警。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![
            ExpectedAlert::rogue_dhcp(router.mac, router.ip, (rogue_offer, rogue_offer, 1)),
            ExpectedAlert::unregistered(router.mac, rogue_offer, rogue_offer, 1),
            ExpectedAlert::offlan_destination(router.mac, router.ip, rogue_offer, rogue_offer, 1),
        ],
    )
}
