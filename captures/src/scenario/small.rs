//! The small scenarios, one behaviour each: an unregistered device, off-LAN
//! destinations, benign local-scope traffic, inventory mode.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::acts::{self, SmbPlan};
use super::site::{Asset, Dev, Trace, local, ms, policy_toml, us};
use super::{ExpectedAlert, Scenario};
use crate::frames::{self, Ends, Os, Tcp, TcpPeer};
use crate::payload::{dhcp, dns, lldp, tls};
use crate::rng::Rng;

/// Snaplen of the small scenarios: whole frames.
pub(super) const SNAPLEN: u32 = 65_535;

pub(super) fn fs() -> Dev {
    Dev::new("0c:c4:7a:5e:21:0a", [10, 20, 0, 10], Os::Windows, "FS01")
}

pub(super) fn switch() -> Dev {
    Dev::new("50:98:b8:3a:10:01", [10, 20, 0, 1], Os::Embedded, "DIG-SW01")
}

pub(super) fn reserved_scope(fs: &Dev) -> dhcp::ServerConfig {
    dhcp::ServerConfig {
        server_ip: fs.ip,
        subnet_mask: Ipv4Addr::new(255, 255, 0, 0),
        router: None,
        dns: vec![fs.ip],
        domain: Some("dig.local".into()),
        lease_secs: 8 * 86_400,
    }
}

pub(super) fn read_plan(bytes: usize) -> SmbPlan {
    SmbPlan {
        files: vec![(bytes, 0)],
        write: false,
        rate_bps: 400_000_000,
        no_logon: false,
        linger_ms: 2000,
    }
}

/// `unregistered-device`: registered devices at work, then a Raspberry Pi
/// nobody registered.
pub fn unregistered_device() -> Scenario {
    let mut rng = Rng::new(0x7572_6567);
    let mut tr = Trace::default();
    let fs = fs();
    let ws1 = Dev::new("f8:bc:12:9e:33:21", [10, 20, 1, 21], Os::Windows, "WS-01");
    let scan = Dev::new("00:1e:8f:a3:71:13", [10, 20, 1, 13], Os::Embedded, "SCAN-03");
    let pi = Dev::new("b8:27:eb:4d:2a:91", [10, 20, 1, 77], Os::Linux, "raspberrypi");

    // 09:00 a workstation opens a file on the server.
    let t = acts::arp_resolve(&mut tr, &mut rng, &ws1, &fs, ms(local(9, 0, 0), 123));
    let t = acts::dns_lookup(
        &mut tr,
        &mut rng,
        &ws1,
        &fs,
        "fs01.dig.local",
        &[fs.ip],
        dns::RCODE_NOERROR,
        ms(t, 2),
    );
    acts::smb_session(&mut tr, &mut rng, &ws1, &fs, ms(t, 5), &read_plan(30_000));
    // 09:00:20 the scanner (registered in Cisco's dotted notation) pushes two pages.
    let t = acts::arp_claim(&mut tr, &mut rng, &scan, ms(local(9, 0, 20), 48));
    let t = acts::arp_resolve(&mut tr, &mut rng, &scan, &fs, ms(t, 500));
    let plan = SmbPlan {
        files: vec![(45_000, 0), (52_000, 2000)],
        write: true,
        rate_bps: 90_000_000,
        no_logon: false,
        linger_ms: 200,
    };
    acts::smb_session(&mut tr, &mut rng, &scan, &fs, ms(t, 1), &plan);

    // 09:01:30 a Raspberry Pi is plugged in: an ARP probe (nothing bound),
    // then it asks for the server's MAC from 10.20.1.77 (bound), pings the
    // server and opens an SMB connection.
    let pi_first = ms(local(9, 1, 30), 250);
    tr.at(pi_first, frames::arp_probe(pi.mac, pi.ip));
    let pi_bound = ms(pi_first, 1200);
    tr.at(pi_bound, frames::arp_request(pi.mac, pi.ip, fs.ip));
    tr.at(us(pi_bound, 412), frames::arp_reply(fs.mac, fs.ip, (pi.mac, pi.ip)));
    let id = rng.next_u16();
    for seq in 1..=3u16 {
        let t = ms(pi_bound, 600 + 1000 * i64::from(seq));
        tr.at(t, frames::icmp_echo(&pi.to(&fs), true, id, seq, &[0x5a; 56]));
        tr.at(us(t, 380), frames::icmp_echo(&fs.to(&pi), false, id, seq, &[0x5a; 56]));
    }
    let plan = SmbPlan {
        files: vec![],
        write: false,
        rate_bps: 100_000_000,
        no_logon: true,
        linger_ms: 100,
    };
    acts::smb_session(&mut tr, &mut rng, &pi, &fs, ms(pi_bound, 6000), &plan);

    let assets = [
        Asset::of(&fs, "文件服务器 FS01", "fileserver").written("0C-C4-7A-5E-21-0A"),
        Asset::of(&ws1, "质检工作站-01", "workstation"),
        Asset::of(&scan, "扫描仪-03", "scanner").written("001e.8fa3.7113"),
    ];
    let policy = policy_toml(
        "Registered: the file server (written the Windows way), a workstation and a scanner\n\
         (written the Cisco way). The Raspberry Pi b8:27:eb:4d:2a:91 is not registered.",
        "10.20.0.0/16",
        &assets,
    );
    Scenario::new(
        "unregistered-device",
        "An unregistered Raspberry Pi appears, ARPs for the server and uses one address",
        "\
Registered devices at work: workstation WS-01 opens a file on FS01, scanner SCAN-03 (registered as
001e.8fa3.7113, Cisco notation; FS01 as 0C-C4-7A-5E-21-0A, Windows notation) pushes two pages over SMB.
At 09:01:30 a Raspberry Pi nobody registered is plugged in: an ARP probe (sender 0.0.0.0, binds nothing),
1.2 s later an ARP request for FS01 from 10.20.1.77, then pings and an SMB connection from that one
address. Expected: one device.unregistered for b8:27:eb:4d:2a:91, count 2 (the device, one address).

已登记设备正常工作：工作站 WS-01 打开 FS01 上的文件，扫描仪 SCAN-03（登记时用思科写法 001e.8fa3.7113；FS01 用
Windows 写法 0C-C4-7A-5E-21-0A）通过 SMB 推送两页。09:01:30 接入一台未登记的树莓派：先发 ARP 探测（发送方
0.0.0.0，不绑定地址），1.2 秒后以 10.20.1.77 询问 FS01 的 MAC，随后 ping 并建立 SMB 连接，只用这一个地址。
预期：b8:27:eb:4d:2a:91 的 device.unregistered 一条，计数 2（设备本身和一个地址）。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![ExpectedAlert::unregistered(pi.mac, pi_first, pi_bound, 2)],
    )
}

/// `offlan-destination`: one workstation reaches outside the LAN three
/// times; another stays on the LAN, multicast, broadcast and link-local.
pub fn offlan_destination() -> Scenario {
    let mut rng = Rng::new(0x6f66_666c);
    let mut tr = Trace::default();
    let fs = fs();
    let sw = switch();
    let wa = Dev::new("f8:bc:12:9e:33:21", [10, 20, 1, 21], Os::Windows, "WS-01");
    let wb = Dev::new("04:0e:3c:51:9f:25", [10, 20, 1, 25], Os::Windows, "WS-05");
    // An Epson scanner that fell back to a link-local address.
    let scan = Dev::new("64:eb:8c:44:0d:15", [169, 254, 77, 12], Os::Embedded, "SCAN-05");
    let public_dns = Ipv4Addr::new(114, 114, 114, 114);
    let web = Ipv4Addr::new(203, 0, 113, 5);

    // WS-01 has the switch's address as gateway and 114.114.114.114 as DNS.
    let t = acts::arp_resolve(&mut tr, &mut rng, &wa, &sw, ms(local(9, 0, 0), 410));
    let q1 = ms(t, 3);
    let (p1, id1) = (51_001, rng.next_u16());
    tr.at(q1, frames::dns_query(&wa.via(sw.mac, public_dns), p1, id1, "www.baidu.com"));
    // the retry a second later, same port: the same flow
    tr.at(ms(q1, 1000), frames::dns_query(&wa.via(sw.mac, public_dns), p1, id1, "www.baidu.com"));
    let q2 = ms(q1, 5217);
    tr.at(
        q2,
        frames::dns_query(&wa.via(sw.mac, public_dns), 51_002, rng.next_u16(), "www.baidu.com"),
    );
    let syn = ms(q1, 12_306);
    let far = TcpPeer { mac: sw.mac, ip: web.into(), port: 443, os: Os::Linux };
    Tcp::new(wa.peer(51_003), far, syn, rng.next_u64()).syn_unanswered(&mut tr.recs, &[3000, 9000]);

    // WS-05 stays local: the LAN ...
    let t0 = ms(local(9, 0, 30), 77);
    let t = acts::arp_resolve(&mut tr, &mut rng, &wb, &fs, t0);
    let t = acts::dns_lookup(
        &mut tr,
        &mut rng,
        &wb,
        &fs,
        "fs01.dig.local",
        &[fs.ip],
        dns::RCODE_NOERROR,
        ms(t, 2),
    );
    acts::smb_session(&mut tr, &mut rng, &wb, &fs, ms(t, 3), &read_plan(20_000));
    // ... multicast and broadcast ...
    let t = ms(t0, 15_000);
    acts::windows_chatter(&mut tr, &mut rng, &wb, Ipv4Addr::new(10, 20, 255, 255), t, false);
    let sentinel =
        Ends::new(wb.mac, wb.ip, gapwatch_rules::MacAddr::BROADCAST, Ipv4Addr::BROADCAST);
    tr.at(ms(t, 3000), frames::udp(&sentinel, 1947, 1947, b"\x00\x00\x00\x1cHASP-LM discovery"));
    // ... and link-local: IPv6 to the server's fe80:: address ...
    let t = ms(t0, 25_000);
    tr.at(t, frames::icmp6_ns(wb.mac, wb.ll(), fs.ll()));
    tr.at(us(t, 310), frames::icmp6_na(fs.mac, fs.ll(), wb.mac, wb.ll(), true));
    for seq in 1..=2u16 {
        let at = ms(t, 5 + 1000 * i64::from(seq));
        tr.at(
            at,
            frames::icmp_echo(&wb.to6(&fs), true, 1, seq, b"abcdefghijklmnopqrstuvwabcdefghi"),
        );
        tr.at(
            us(at, 290),
            frames::icmp_echo(&fs.to6(&wb), false, 1, seq, b"abcdefghijklmnopqrstuvwabcdefghi"),
        );
    }
    // ... and the scanner's 169.254 address (its web page).
    let t = acts::arp_resolve(&mut tr, &mut rng, &wb, &scan, ms(t0, 32_000));
    let mut web_ui =
        Tcp::new(wb.peer(rng.ephemeral_port()), scan.peer(80), ms(t, 1), rng.next_u64());
    web_ui.connect(&mut tr.recs);
    web_ui.send(&mut tr.recs, true, 380, b"GET / HTTP/1.1\r\nHost: 169.254.77.12\r\n");
    web_ui.wait_us(2500);
    web_ui.send(&mut tr.recs, false, 2900, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n");
    web_ui.wait_ms(40);
    web_ui.close(&mut tr.recs, true);

    let assets = [
        Asset::of(&sw, "核心交换机", "switch"),
        Asset::of(&fs, "文件服务器 FS01", "fileserver"),
        Asset::of(&wa, "质检工作站-01", "workstation"),
        Asset::of(&wb, "图像处理工作站-05", "workstation"),
        Asset::of(&scan, "扫描仪-05", "scanner").unpinned(),
    ];
    let policy = policy_toml("Every device is registered.", "10.20.0.0/16", &assets);
    Scenario::new(
        "offlan-destination",
        "A workstation sends DNS to 114.114.114.114 twice and a SYN to 203.0.113.5:443; another stays local",
        "\
WS-01 (10.20.1.21, registered) has 114.114.114.114 as DNS server and the switch as gateway: two DNS queries
from two source ports (the first repeated once from the same port: still one flow) and a SYN to
203.0.113.5:443 with two retransmissions: three flows to off-LAN destinations, one route.offlan_destination
with count 3. The queries go to a resolver off the LAN: route.external_dns on WS-01, high, count 1 (one
name from one client to one resolver). Nothing answers, so route.offlan_reply stays silent. WS-05 talks only to the LAN (ARP, DNS and SMB with FS01), multicast (IGMP, mDNS, LLMNR,
SSDP), broadcast (NetBIOS to 10.20.255.255, a licence-server search to 255.255.255.255) and link-local
addresses (ICMPv6 with FS01's fe80:: address, HTTP to a scanner on 169.254.77.12): silent.

WS-01（10.20.1.21，已登记）的 DNS 设成 114.114.114.114、网关设成交换机：从两个源端口发出两次 DNS 查询（第一次
从同一端口重发一次，仍是同一会话），并向 203.0.113.5:443 发 SYN（重传两次）：共三个去往网外的会话，产生一条
route.offlan_destination，计数 3。查询发往网外的 DNS 服务器：WS-01 上的 route.external_dns，高，计数 1（同一客户端
向同一服务器查询同一名称）。均无应答，因此 route.offlan_reply 不告警。WS-05 只与本网（和 FS01 的 ARP、DNS、SMB）、组播（IGMP、mDNS、LLMNR、
SSDP）、广播（发往 10.20.255.255 的 NetBIOS、发往 255.255.255.255 的加密锁服务器搜索）和链路本地地址（与 FS01
的 fe80:: 地址的 ICMPv6、访问 169.254.77.12 上扫描仪的网页）通信：不告警。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![
            ExpectedAlert::offlan_destination(wa.mac, wa.ip, q1, syn, 3),
            ExpectedAlert::external_dns(wa.mac, wa.ip, "high", (q1, q1, 1)),
        ],
    )
}

/// `benign-local-scope`: the nearest benign traffic, all from registered
/// devices, must stay silent.
pub fn benign_local_scope() -> Scenario {
    let mut rng = Rng::new(0x6265_6e69);
    let mut tr = Trace::default();
    let fs = fs();
    let sw = switch();
    let ws = Dev::new("10:c5:95:7d:e1:23", [10, 20, 1, 23], Os::Windows, "WS-03");
    let prn = Dev::new("30:05:5c:8a:41:2f", [10, 20, 0, 40], Os::Embedded, "BRN30055C8A412F");
    let scan = Dev::new("00:07:5c:0f:9a:16", [169, 254, 31, 7], Os::Embedded, "SCAN-06");
    let scope = reserved_scope(&fs);
    let bcast = Ipv4Addr::new(10, 20, 255, 255);

    // The switch: spanning tree every 2 s, LLDP.
    acts::stp_series(&mut tr, &sw, ms(local(9, 0, 0), 500), local(9, 2, 0));
    let info = lldp::Info {
        chassis: sw.mac,
        port: "GigabitEthernet1/0/24",
        ttl: 121,
        system_name: "DIG-SW01",
        system_description: "H3C S5130S-28S-EI",
        management: Some(sw.ip),
        capabilities: [0x14, 0x04],
    };
    acts::lldp_series(&mut tr, &sw, &info, ms(local(9, 0, 1), 0), local(9, 2, 0), 60);

    // A workstation boots: DAD from ::, DHCP from 0.0.0.0 to 255.255.255.255,
    // an ARP probe from 0.0.0.0, then Windows' multicast and broadcast chatter.
    let t = ms(local(9, 0, 5), 220);
    tr.at(t, frames::icmp6_ns(ws.mac, Ipv6Addr::UNSPECIFIED, ws.ll()));
    let (_, ack) = acts::dhcp_dora(
        &mut tr,
        &mut rng,
        &dhcp::Client::windows(ws.mac, ws.host),
        &fs,
        &scope,
        ws.ip,
        ms(t, 300),
    );
    let t = acts::arp_claim(&mut tr, &mut rng, &ws, ms(ack, 30));
    let t = acts::windows_chatter(&mut tr, &mut rng, &ws, bcast, ms(t, 100), true);
    let q = dns::mdns_query(&[("_smb._tcp.local", dns::TYPE_PTR)], false);
    tr.at(ms(t, 400), frames::mdns(ws.mac, IpAddr::V6(ws.ll()), &q));
    tr.at(ms(t, 401), frames::mdns(ws.mac, IpAddr::V4(ws.ip), &q));
    tr.at(ms(t, 900), frames::nbns_query(ws.mac, ws.ip, bcast, rng.next_u16(), "FS01", 0x20));
    // Neighbour discovery and a ping between link-local addresses.
    tr.at(ms(t, 1500), frames::icmp6_ns(ws.mac, ws.ll(), fs.ll()));
    tr.at(ms(t, 1501), frames::icmp6_na(fs.mac, fs.ll(), ws.mac, ws.ll(), true));
    tr.at(ms(t, 1503), frames::icmp_echo(&ws.to6(&fs), true, 7, 1, &[0x61; 32]));
    tr.at(ms(t, 1504), frames::icmp_echo(&fs.to6(&ws), false, 7, 1, &[0x61; 32]));

    // The printer asks for broadcast replies: DHCP 10.20.0.10 -> 255.255.255.255.
    let t = ms(local(9, 0, 40), 610);
    let client = dhcp::Client::embedded(prn.mac, prn.host, "Brother");
    let (_, ack) = acts::dhcp_dora(&mut tr, &mut rng, &client, &fs, &scope, prn.ip, t);
    let t = acts::arp_claim(&mut tr, &mut rng, &prn, ms(ack, 15));
    tr.at(ms(t, 200), frames::igmp_join(prn.mac, prn.ip, &[frames::MDNS_V4]));
    let svc = dns::mdns_service(
        "Brother HL-L5100DN",
        "_ipp._tcp.local",
        "BRN30055C8A412F.local",
        631,
        prn.ip,
    );
    tr.at(ms(t, 300), frames::mdns(prn.mac, IpAddr::V4(prn.ip), &svc));

    // A scanner without a DHCP answer falls back to 169.254.31.7: probes,
    // announcement, IGMP, mDNS, SSDP — and the workstation visits it.
    let t = ms(local(9, 1, 0), 5);
    for k in 0..3 {
        tr.at(ms(t, 1000 * k), frames::arp_probe(scan.mac, scan.ip));
    }
    let t = ms(t, 3000);
    tr.at(t, frames::arp_gratuitous(scan.mac, scan.ip));
    tr.at(ms(t, 50), frames::igmp_join(scan.mac, scan.ip, &[frames::MDNS_V4, frames::SSDP_V4]));
    let svc =
        dns::mdns_service("KODAK ScanStation", "_uscan._tcp.local", "scan-06.local", 443, scan.ip);
    tr.at(ms(t, 120), frames::mdns(scan.mac, IpAddr::V4(scan.ip), &svc));
    tr.at(ms(t, 800), frames::ssdp_msearch(scan.mac, scan.ip, 1900, "ssdp:all"));
    let t = acts::arp_resolve(&mut tr, &mut rng, &ws, &scan, ms(t, 5000));
    tr.at(ms(t, 1), frames::icmp_echo(&ws.to(&scan), true, 9, 1, &[0x61; 32]));
    tr.at(ms(t, 2), frames::icmp_echo(&scan.to(&ws), false, 9, 1, &[0x61; 32]));
    let mut web_ui =
        Tcp::new(ws.peer(rng.ephemeral_port()), scan.peer(80), ms(t, 20), rng.next_u64());
    web_ui.connect(&mut tr.recs);
    web_ui.send(&mut tr.recs, true, 350, b"GET /status HTTP/1.1\r\nHost: 169.254.31.7\r\n");
    web_ui.wait_us(3100);
    web_ui.send(&mut tr.recs, false, 1800, b"HTTP/1.1 200 OK\r\n");
    web_ui.close(&mut tr.recs, true);

    let assets = [
        Asset::of(&sw, "核心交换机", "switch"),
        Asset::of(&fs, "文件服务器 FS01", "fileserver"),
        Asset::of(&ws, "著录工作站-03", "workstation"),
        Asset::of(&prn, "激光打印机", "printer"),
        Asset::of(&scan, "扫描仪-06", "scanner").unpinned(),
    ];
    let policy = policy_toml("Every device is registered.", "10.20.0.0/16", &assets);
    Scenario::new(
        "benign-local-scope",
        "Benign local-scope traffic from registered devices: must stay silent",
        "\
Everything here is the nearest benign look-alike of an alert, all from registered devices: DHCP from
0.0.0.0 to 255.255.255.255 and broadcast replies from the server, ARP probes with sender 0.0.0.0, IPv6
duplicate address detection from ::, IGMPv3 joins, mDNS to 224.0.0.251 and ff02::fb, SSDP to
239.255.255.250, LLMNR to 224.0.0.252 and ff02::1:3, NetBIOS to 10.20.255.255, spanning tree and LLDP
from the switch, ICMPv6 between fe80:: addresses, and a scanner on 169.254.31.7 that the workstation pings
and browses. Expected: no alert.

这里都是最接近告警的正常流量，且都来自已登记设备：从 0.0.0.0 发往 255.255.255.255 的 DHCP 及服务器的广播应答、
发送方为 0.0.0.0 的 ARP 探测、从 :: 发出的 IPv6 重复地址检测、IGMPv3 加入、发往 224.0.0.251 和 ff02::fb 的
mDNS、发往 239.255.255.250 的 SSDP、发往 224.0.0.252 和 ff02::1:3 的 LLMNR、发往 10.20.255.255 的 NetBIOS、
交换机的生成树和 LLDP、fe80:: 地址之间的 ICMPv6，以及工作站 ping 并访问的 169.254.31.7 上的扫描仪。
预期：无告警。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![],
    )
}

/// `inventory`: no policy; a home-style LAN whose host reaches the
/// internet.
pub fn inventory() -> Scenario {
    let mut rng = Rng::new(0x696e_7665);
    let mut tr = Trace::default();
    let router = Dev::new("d0:37:45:1a:2b:3c", [192, 168, 1, 1], Os::Linux, "TL-WR841N"); // TP-Link
    let host = Dev::new("6c:2b:59:7e:11:23", [192, 168, 1, 23], Os::Windows, "DESKTOP-3M1Q8"); // Dell
    let nas = Dev::new("00:11:32:a4:5b:6c", [192, 168, 1, 10], Os::Linux, "DiskStation"); // Synology
    let google_dns = Ipv4Addr::new(8, 8, 8, 8);
    let site = Ipv4Addr::new(93, 184, 215, 14);
    let scope = dhcp::ServerConfig {
        server_ip: router.ip,
        subnet_mask: Ipv4Addr::new(255, 255, 255, 0),
        router: Some(router.ip),
        dns: vec![google_dns],
        domain: None,
        lease_secs: 7200,
    };

    let t = ms(local(20, 15, 0), 12);
    let (offer, ack) = acts::dhcp_dora(
        &mut tr,
        &mut rng,
        &dhcp::Client::windows(host.mac, host.host),
        &router,
        &scope,
        host.ip,
        t,
    );
    let t = acts::arp_claim(&mut tr, &mut rng, &host, ms(ack, 30));
    let t = acts::windows_chatter(
        &mut tr,
        &mut rng,
        &host,
        Ipv4Addr::new(192, 168, 1, 255),
        ms(t, 100),
        false,
    );
    // The NAS on the LAN.
    let t = acts::arp_resolve(&mut tr, &mut rng, &host, &nas, ms(t, 500));
    acts::smb_session(&mut tr, &mut rng, &host, &nas, ms(t, 2), &read_plan(25_000));
    // The internet through the router: DNS to 8.8.8.8, then HTTPS.
    let t = acts::arp_resolve(&mut tr, &mut rng, &host, &router, ms(t, 4000));
    let dns_at = ms(t, 2);
    let (sport, id) = (rng.ephemeral_port(), rng.next_u16());
    tr.at(dns_at, frames::dns_query(&host.via(router.mac, google_dns), sport, id, "example.com"));
    let back = Ends::new(router.mac, google_dns, host.mac, host.ip).ttl(117);
    let answer = dns::response_a(id, "example.com", &[site], 300, dns::RCODE_NOERROR, false);
    let answer_at = ms(dns_at, 21);
    tr.at(answer_at, frames::udp(&back, 53, sport, &answer));
    let syn_at = ms(dns_at, 25);
    let far = TcpPeer { mac: router.mac, ip: site.into(), port: 443, os: Os::Linux };
    let mut https = Tcp::new(host.peer(rng.ephemeral_port()), far, syn_at, rng.next_u64())
        .with_rate(50_000_000);
    let syn_ack_at = https.connect(&mut tr.recs);
    let random: [u8; 32] = std::array::from_fn(|_| rng.next_u16() as u8);
    let hello = tls::client_hello("example.com", &["h2", "http/1.1"], random);
    https.send(&mut tr.recs, true, hello.len(), &hello);
    https.wait_ms(95);
    https.send(&mut tr.recs, false, 4100, &[0x16, 0x03, 0x03, 0x00, 0x7a, 0x02]);
    https.wait_ms(3);
    https.send(&mut tr.recs, true, 126, &[0x14, 0x03, 0x03, 0x00, 0x01, 0x01]);
    https.wait_ms(120);
    https.send(&mut tr.recs, false, 1300, &[0x17, 0x03, 0x03]);
    https.wait_ms(5000);
    https.close(&mut tr.recs, true);

    Scenario::new(
        "inventory",
        "Inventory mode (no policy): a home-style LAN whose host reaches 93.184.215.14:443 and 8.8.8.8:53",
        "\
No policy file: the sensor runs in inventory mode, the private ranges are the LAN and there is no asset
register, so no device.unregistered. On 192.168.1.0/24 a Dell desktop gets its address from a TP-Link
router, talks to a Synology NAS over SMB, then asks 8.8.8.8 for example.com and opens HTTPS to
93.184.215.14: two flows to off-LAN destinations, one route.offlan_destination with count 2. Both are
answered (the DNS reply, the SYN-ACK): the path out works, one route.offlan_reply with count 2. The
router's DHCP offer and acknowledgement hand out itself as gateway and 8.8.8.8 as DNS:
route.rogue_dhcp, count 2. The query goes to a resolver off the LAN: route.external_dns, high. Answers
from two internet addresses arrive from the router's MAC: route.router_present on the router.

没有策略文件：传感器以清点模式运行，私有地址段视为本网，没有资产登记，因此不产生 device.unregistered。
192.168.1.0/24 上一台戴尔台式机从 TP-Link 路由器获得地址，通过 SMB 访问群晖 NAS，然后向 8.8.8.8 查询
example.com 并与 93.184.215.14 建立 HTTPS 连接：两个去往网外的会话，产生一条 route.offlan_destination，计数 2。
两者都有应答（DNS 回复、SYN-ACK）：外联通路可用，产生一条 route.offlan_reply，计数 2。路由器的 DHCP 提供与确认
把自己作为网关、把 8.8.8.8 作为 DNS 下发：route.rogue_dhcp，计数 2。查询发往网外的 DNS 服务器：
route.external_dns，高。来自两个互联网地址的应答都经路由器的 MAC 到达：路由器上的 route.router_present。
"
        .to_string(),
        None,
        SNAPLEN,
        tr.recs,
        vec![
            ExpectedAlert::offlan_destination(host.mac, host.ip, dns_at, syn_at, 2),
            ExpectedAlert::offlan_reply(host.mac, host.ip, answer_at, syn_ack_at, 2),
            ExpectedAlert::rogue_dhcp(router.mac, router.ip, (offer, ack, 2)),
            ExpectedAlert::external_dns(host.mac, host.ip, "high", (dns_at, dns_at, 1)),
            ExpectedAlert::router_present(router.mac, syn_ack_at, syn_ack_at, 1),
        ],
    )
}
