//! The scenarios of the isolation detectors, each with its look-alike:
//! off-LAN answers, address conflicts, tunnels, IPv6 router
//! advertisements, routers.

use std::net::{Ipv4Addr, Ipv6Addr};

use gapwatch_rules::{MacAddr, Timestamp};

use super::acts;
use super::site::{Asset, Dev, Trace, local, ms, policy_toml, us};
use super::small::{SNAPLEN, fs, read_plan, switch};
use super::{ExpectedAlert, Scenario};
use crate::frames::{self, Ends, Os, Tcp, TcpPeer};
use crate::payload::{dns, tls};
use crate::rng::Rng;

/// `offlan-reply`: the core switch routes to the internet — answers come
/// back, and an outside host reaches the file server.
pub fn offlan_reply() -> Scenario {
    let mut rng = Rng::new(0x7265_706c);
    let mut tr = Trace::default();
    let fs = fs();
    let sw = switch();
    let ws = Dev::new("f8:bc:12:9e:33:21", [10, 20, 1, 21], Os::Windows, "WS-01");
    let public_dns = Ipv4Addr::new(114, 114, 114, 114);
    let web = Ipv4Addr::new(203, 0, 113, 5);
    let scanner = Ipv4Addr::new(198, 51, 100, 7);

    // 10:00 WS-01 asks 114.114.114.114 through its gateway, the switch, and
    // an answer comes back.
    let t = acts::arp_resolve(&mut tr, &mut rng, &ws, &sw, ms(local(10, 0, 0), 215));
    let query_at = ms(t, 3);
    let (sport, id) = (rng.ephemeral_port(), rng.next_u16());
    tr.at(query_at, frames::dns_query(&ws.via(sw.mac, public_dns), sport, id, "www.baidu.com"));
    let back = Ends::new(sw.mac, public_dns, ws.mac, ws.ip).ttl(56);
    let answer = dns::response_a(id, "www.baidu.com", &[web], 300, dns::RCODE_NOERROR, false);
    let answer_at = ms(query_at, 31);
    tr.at(answer_at, frames::udp(&back, 53, sport, &answer));
    // ... then opens HTTPS to the address, which answers.
    let syn_at = ms(answer_at, 4);
    let far = TcpPeer { mac: sw.mac, ip: web.into(), port: 443, os: Os::Linux };
    let mut https = Tcp::new(ws.peer(rng.ephemeral_port()), far, syn_at, rng.next_u64());
    let syn_ack_at = https.connect(&mut tr.recs);
    let random: [u8; 32] = std::array::from_fn(|_| rng.next_u16() as u8);
    let hello = tls::client_hello("www.baidu.com", &["h2", "http/1.1"], random);
    https.send(&mut tr.recs, true, hello.len(), &hello);
    https.wait_ms(40);
    https.send(&mut tr.recs, false, 2800, &[0x16, 0x03, 0x03, 0x00, 0x7a, 0x02]);
    https.wait_ms(200);
    https.close(&mut tr.recs, true);

    // 10:03 a host on the internet knocks on FS01's remote desktop port,
    // through the same switch; FS01 answers.
    let knock_at = ms(local(10, 3, 0), 640);
    let outside = TcpPeer { mac: sw.mac, ip: scanner.into(), port: 41_522, os: Os::Linux };
    let mut rdp = Tcp::new(outside, fs.peer(3389), knock_at, rng.next_u64());
    rdp.connect(&mut tr.recs);
    rdp.wait_ms(30);
    rdp.close(&mut tr.recs, true);

    let assets = [
        Asset::of(&sw, "核心交换机", "switch"),
        Asset::of(&fs, "文件服务器 FS01", "fileserver"),
        Asset::of(&ws, "质检工作站-01", "workstation"),
    ];
    let policy = policy_toml("Every device is registered.", "10.20.0.0/16", &assets);
    Scenario::new(
        "offlan-reply",
        "The core switch routes out: a DNS answer and an HTTPS handshake come back, and an outside host reaches FS01",
        "\
The core switch has an uplink nobody declared. WS-01 (10.20.1.21) asks 114.114.114.114 for www.baidu.com
and gets an answer, then completes an HTTPS handshake with 203.0.113.5: two flows sent off the LAN
(route.offlan_destination, count 2) and both answered (route.offlan_reply on WS-01, count 2). At 10:03 a host
on the internet, 198.51.100.7, opens a connection to FS01's remote desktop port and FS01 answers:
route.offlan_reply on FS01 (count 1). FS01 only answered, so no route.offlan_destination for it. The DNS
query went to a resolver off the LAN: route.external_dns on WS-01, high. Answers from two internet
addresses arrive from the switch's MAC: route.router_present on the switch.

核心交换机有一条没人申报的上联。WS-01（10.20.1.21）向 114.114.114.114 查询 www.baidu.com 并得到应答，随后与
203.0.113.5 完成 HTTPS 握手：两个发往网外的会话（route.offlan_destination，计数 2），且都有应答（WS-01 上的
route.offlan_reply，计数 2）。10:03 互联网上的主机 198.51.100.7 连接 FS01 的远程桌面端口，FS01 应答：FS01 上的
route.offlan_reply（计数 1）。FS01 只是应答，因此不产生 route.offlan_destination。DNS 查询发往网外的服务器：
WS-01 上的 route.external_dns，高。来自两个互联网地址的应答都经交换机的 MAC 到达：交换机上的
route.router_present。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![
            ExpectedAlert::offlan_destination(ws.mac, ws.ip, query_at, syn_at, 2),
            ExpectedAlert::external_dns(ws.mac, ws.ip, "high", (query_at, query_at, 1)),
            ExpectedAlert::router_present(sw.mac, syn_ack_at, syn_ack_at, 1),
            ExpectedAlert::offlan_reply(ws.mac, ws.ip, answer_at, syn_ack_at, 2),
            ExpectedAlert::offlan_reply(fs.mac, fs.ip, knock_at, knock_at, 1),
        ],
    )
}

/// `ip-conflict`: a workstation given the file server's address by hand,
/// and a second device on an address another used seconds before.
pub fn ip_conflict() -> Scenario {
    let mut rng = Rng::new(0x6970_636f);
    let mut tr = Trace::default();
    let fs = fs();
    let ws1 = Dev::new("f8:bc:12:9e:33:21", [10, 20, 1, 21], Os::Windows, "WS-01");
    let ws5 = Dev::new("04:0e:3c:51:9f:25", [10, 20, 1, 25], Os::Windows, "WS-05");
    let scan = Dev::new("64:eb:8c:44:0d:15", [10, 20, 1, 60], Os::Embedded, "SCAN-05");
    let ws6 = Dev::new("3c:d9:2b:6e:07:26", [10, 20, 1, 60], Os::Windows, "WS-06");

    // 09:00 the file server announces itself; a workstation uses it.
    let t = acts::arp_claim(&mut tr, &mut rng, &fs, ms(local(9, 0, 0), 140));
    let t = acts::arp_resolve(&mut tr, &mut rng, &ws1, &fs, ms(t, 2000));
    acts::smb_session(&mut tr, &mut rng, &ws1, &fs, ms(t, 3), &read_plan(20_000));
    // 09:02 WS-05 was given 10.20.0.10 by hand: it announces FS01's address.
    let ws5_as_fs = Dev { ip: fs.ip, ..ws5 };
    let stolen = acts::arp_claim(&mut tr, &mut rng, &ws5_as_fs, ms(local(9, 2, 0), 310));
    // 09:10 the scanner takes 10.20.1.60 (no fixed address in the register);
    // thirty seconds later WS-06 claims the same address.
    let t = acts::arp_claim(&mut tr, &mut rng, &scan, ms(local(9, 10, 0), 75));
    acts::arp_resolve(&mut tr, &mut rng, &scan, &fs, ms(t, 500));
    let clash = acts::arp_claim(&mut tr, &mut rng, &ws6, ms(t, 30_000));

    let assets = [
        Asset::of(&fs, "文件服务器 FS01", "fileserver"),
        Asset::of(&ws1, "质检工作站-01", "workstation"),
        Asset::of(&ws5, "图像处理工作站-05", "workstation"),
        Asset::of(&scan, "扫描仪-05", "scanner").unpinned(),
        Asset::of(&ws6, "图像处理工作站-06", "workstation").unpinned(),
    ];
    let policy = policy_toml(
        "Every device is registered; FS01, WS-01 and WS-05 have fixed addresses, SCAN-05 and WS-06 not.",
        "10.20.0.0/16",
        &assets,
    );
    Scenario::new(
        "ip-conflict",
        "WS-05 announces the file server's address; WS-06 claims an address the scanner took seconds before",
        "\
FS01 (10.20.0.10) announces itself and serves WS-01. At 09:02 WS-05, registered with 10.20.1.25, announces
10.20.0.10, the address the register gives FS01: device.ip_conflict on WS-05, high (a file server's
address). At 09:10 SCAN-05 (no fixed address) takes 10.20.1.60 and thirty seconds later WS-06 claims it
too: device.ip_conflict on WS-06, medium. Everything is registered, so no device.unregistered.

FS01（10.20.0.10）宣告自己的地址并为 WS-01 提供服务。09:02，登记为 10.20.1.25 的 WS-05 宣告了 10.20.0.10，
即登记表中 FS01 的地址：WS-05 上的 device.ip_conflict，高（文件服务器的地址）。09:10 扫描仪 SCAN-05（未固定
地址）取得 10.20.1.60，三十秒后 WS-06 也宣告该地址：WS-06 上的 device.ip_conflict，中。所有设备均已登记，
不产生 device.unregistered。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![
            ExpectedAlert::ip_conflict(ws5.mac, fs.ip, "high", stolen),
            ExpectedAlert::ip_conflict(ws6.mac, ws6.ip, "medium", clash),
        ],
    )
}

/// `ip-reassigned`: the look-alike of `ip-conflict` — an address that
/// changes hands after its first holder left, re-announcements, probes.
pub fn ip_reassigned() -> Scenario {
    let mut rng = Rng::new(0x7265_6173);
    let mut tr = Trace::default();
    let fs = fs();
    let old = Dev::new("98:e7:43:0a:6c:22", [10, 20, 1, 70], Os::Windows, "WS-02");
    let new = Dev::new("a4:11:94:26:b8:24", [10, 20, 1, 70], Os::Windows, "WS-04");

    // 09:00 WS-02 uses 10.20.1.70 and talks to FS01, then is switched off.
    let t = acts::arp_claim(&mut tr, &mut rng, &fs, ms(local(9, 0, 0), 90));
    let t = acts::arp_claim(&mut tr, &mut rng, &old, ms(t, 1500));
    let t = acts::arp_resolve(&mut tr, &mut rng, &old, &fs, ms(t, 300));
    acts::smb_session(&mut tr, &mut rng, &old, &fs, ms(t, 3), &read_plan(15_000));
    // FS01 announces itself again, as servers do after a link flap.
    acts::arp_claim(&mut tr, &mut rng, &fs, ms(local(9, 5, 0), 610));
    // 09:30 WS-04 is given the same address: a new lease, not a theft. Its
    // RFC 5227 probe (sender 0.0.0.0) for FS01's address claims nothing.
    tr.at(ms(local(9, 29, 50), 5), frames::arp_probe(new.mac, fs.ip));
    let t = acts::arp_claim(&mut tr, &mut rng, &new, ms(local(9, 30, 0), 20));
    let t = acts::arp_resolve(&mut tr, &mut rng, &new, &fs, ms(t, 400));
    acts::smb_session(&mut tr, &mut rng, &new, &fs, ms(t, 3), &read_plan(15_000));

    let assets = [
        Asset::of(&fs, "文件服务器 FS01", "fileserver"),
        Asset::of(&old, "质检工作站-02", "workstation").unpinned(),
        Asset::of(&new, "著录工作站-04", "workstation").unpinned(),
    ];
    let policy = policy_toml(
        "Every device is registered; WS-02 and WS-04 get addresses by DHCP (not fixed).",
        "10.20.0.0/16",
        &assets,
    );
    Scenario::new(
        "ip-reassigned",
        "An address changes hands half an hour after its first holder left; re-announcements and probes",
        "\
WS-02 uses 10.20.1.70 at 09:00 and is switched off. FS01 announces its own address again at 09:05. At
09:30 WS-04 probes (sender 0.0.0.0, it claims nothing) and then takes 10.20.1.70: the address changed hands
long after WS-02 last used it, a new lease and not a conflict. Silent.

WS-02 在 09:00 使用 10.20.1.70 后关机。FS01 在 09:05 再次宣告自己的地址。09:30 WS-04 先发地址探测（发送方
0.0.0.0，不占用任何地址），随后取得 10.20.1.70：距 WS-02 最后一次使用已久，是新的租约而非冲突。不告警。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![],
    )
}

/// `tunnel`: a workstation tunnels to a box on the LAN that has a 4G
/// modem — GRE, then WireGuard.
pub fn tunnel() -> Scenario {
    let mut rng = Rng::new(0x7475_6e6e);
    let mut tr = Trace::default();
    let ws = Dev::new("f8:bc:12:9e:33:21", [10, 20, 1, 21], Os::Windows, "WS-01");
    let gw = Dev::new("00:0d:b9:4f:2c:99", [10, 20, 1, 99], Os::Linux, "apu-4g");

    // 11:00 GRE keepalives and a few carried packets, both ways.
    let t = acts::arp_resolve(&mut tr, &mut rng, &ws, &gw, ms(local(11, 0, 0), 55));
    let gre_at = ms(t, 4);
    let carried = [0x00, 0x00, 0x08, 0x00, 0x45, 0x00, 0x00, 0x1c, 0x00, 0x01];
    for i in 0..3 {
        let at = ms(gre_at, 1000 * i);
        tr.at(at, frames::ip_raw(&ws.to(&gw), 47, &carried));
        tr.at(us(at, 420), frames::ip_raw(&gw.to(&ws), 47, &carried));
    }
    // 11:05 the same pair over WireGuard: handshake initiation (148 bytes)
    // and response (92 bytes), then data.
    let wg_at = ms(local(11, 5, 0), 310);
    let sport = rng.ephemeral_port();
    let mut init = vec![1u8, 0, 0, 0];
    init.resize(148, 0x5c);
    let mut resp = vec![2u8, 0, 0, 0];
    resp.resize(92, 0xa3);
    tr.at(wg_at, frames::udp(&ws.to(&gw), sport, 51_820, &init));
    tr.at(ms(wg_at, 2), frames::udp(&gw.to(&ws), 51_820, sport, &resp));
    let mut data = vec![4u8, 0, 0, 0];
    data.resize(128, 0x11);
    tr.at(ms(wg_at, 40), frames::udp(&ws.to(&gw), sport, 51_820, &data));
    // 11:10 OpenVPN moved to UDP 443 to pass for web traffic: a client's
    // hard reset (session id, no acknowledgements, packet id 0).
    let ovpn_at = ms(local(11, 10, 0), 505);
    let mut reset = vec![0x38];
    reset.extend_from_slice(&rng.next_u64().to_be_bytes());
    reset.extend_from_slice(&[0, 0, 0, 0, 0]);
    let ovpn_port = rng.ephemeral_port();
    tr.at(ovpn_at, frames::udp(&ws.to(&gw), ovpn_port, 443, &reset));

    let assets =
        [Asset::of(&ws, "质检工作站-01", "workstation"), Asset::of(&gw, "网络测试盒", "other")];
    let policy = policy_toml("Every device is registered.", "10.20.0.0/16", &assets);
    Scenario::new(
        "tunnel",
        "A workstation tunnels to a LAN box with a 4G modem: GRE, WireGuard, then OpenVPN on UDP 443",
        "\
WS-01 (10.20.1.21) exchanges GRE packets (IP protocol 47) with 10.20.1.99, a registered box that also has a
4G modem, and five minutes later a WireGuard handshake and data on UDP 51820. At 11:10 it starts OpenVPN on
UDP 443, where only the shape of its first datagram gives it away. Both ends are on the LAN, but the tunnel
carries another network: route.tunnel on WS-01 with count 3 (three tunnel flows).

WS-01（10.20.1.21）与 10.20.1.99（已登记、另带 4G 模块的盒子）互发 GRE 报文（IP 协议号 47），五分钟后又在 UDP
51820 上完成 WireGuard 握手并发送数据。11:10 它又在 UDP 443 上启动 OpenVPN，只能从首个数据报的格式认出。两端都在
本网，但隧道承载着另一个网络：WS-01 上的 route.tunnel，计数 3。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![ExpectedAlert::tunnel(ws.mac, ws.ip, gre_at, ovpn_at, 3)],
    )
}

/// `tunnel-lookalike`: tunnel port numbers where they mean nothing —
/// clients' ephemeral ports, the other transport — and ordinary protocols.
pub fn tunnel_lookalike() -> Scenario {
    let mut rng = Rng::new(0x746c_6c6b);
    let mut tr = Trace::default();
    let fs = fs();
    let ws = Dev::new("f8:bc:12:9e:33:21", [10, 20, 1, 21], Os::Windows, "WS-01");

    let t = acts::arp_resolve(&mut tr, &mut rng, &ws, &fs, ms(local(11, 0, 0), 80));
    // DNS from source port 4500 (NAT-T's number, as a client port).
    let q = ms(t, 3);
    let id = rng.next_u16();
    tr.at(q, frames::dns_query(&ws.to(&fs), 4500, id, "fs01.dig.local"));
    let answer = dns::response_a(
        id,
        "fs01.dig.local",
        &[Ipv4Addr::new(10, 20, 0, 10)],
        600,
        dns::RCODE_NOERROR,
        true,
    );
    tr.at(ms(q, 1), frames::udp(&fs.to(&ws), 53, 4500, &answer));
    // SMB from client port 1194 (OpenVPN's number).
    let mut smb = Tcp::new(ws.peer(1194), fs.peer(445), ms(q, 20), rng.next_u64());
    smb.connect(&mut tr.recs);
    smb.send(&mut tr.recs, true, 200, &[0xfe, b'S', b'M', b'B']);
    smb.wait_ms(2);
    smb.send(&mut tr.recs, false, 300, &[0xfe, b'S', b'M', b'B']);
    smb.close(&mut tr.recs, true);
    // NTP from source port 51820 (WireGuard's number) to the server.
    let mut ntp = vec![0x23u8];
    ntp.resize(48, 0);
    tr.at(ms(q, 900), frames::udp(&ws.to(&fs), 51_820, 123, &ntp));
    // A reverse lookup whose 41 bytes, with an id starting 0x6, line up
    // like an IPv6 header (version 6, length 1 + 40).
    let reverse = frames::dns_query(&ws.to(&fs), 52_053, 0x6abc, "10.0.20.10.in-addr.arpa");
    tr.at(ms(q, 1000), reverse);
    // A QUIC-style datagram to UDP 443 on FS01: a port a tunnel may hide
    // on, but not a tunnel's first message.
    let mut quic = vec![0xc3, 0, 0, 0, 1, 8];
    quic.resize(1200, 0x3c);
    tr.at(ms(q, 1100), frames::udp(&ws.to(&fs), 52_443, 443, &quic));
    // Pings.
    for seq in 1..=2u16 {
        let at = ms(q, 1500 + 1000 * i64::from(seq));
        tr.at(at, frames::icmp_echo(&ws.to(&fs), true, 7, seq, &[0x61; 32]));
        tr.at(us(at, 300), frames::icmp_echo(&fs.to(&ws), false, 7, seq, &[0x61; 32]));
    }

    let assets = [
        Asset::of(&fs, "文件服务器 FS01", "fileserver"),
        Asset::of(&ws, "质检工作站-01", "workstation"),
    ];
    let policy = policy_toml("Every device is registered.", "10.20.0.0/16", &assets);
    Scenario::new(
        "tunnel-lookalike",
        "Tunnel port numbers as clients' ephemeral ports, and ordinary protocols: no tunnel",
        "\
WS-01 queries FS01's DNS from source port 4500 (IPsec NAT-T's number), opens SMB from client port 1194
(OpenVPN's), sends NTP from source port 51820 (WireGuard's), a reverse lookup whose bytes line up like
an IPv6 header, a QUIC-style datagram to UDP 443, and pings FS01. A tunnel is told by its IP protocol, by the port of the side that answers, or by the shape of its
first datagram, so none of these is one: silent.

WS-01 从源端口 4500（IPsec NAT-T 的端口号）向 FS01 查询 DNS，从客户端端口 1194（OpenVPN 的端口号）建立 SMB 连接，
从源端口 51820（WireGuard 的端口号）发送 NTP，发出一个字节排列形似 IPv6 报头的反向解析查询，向 UDP 443 发送 QUIC
式数据报，并 ping FS01。隧道按 IP 协议号、应答方端口
或首个数据报的格式识别，以上都不是隧道：
不告警。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![],
    )
}

/// `ipv6-router-advertisement`: a workstation sharing its connection
/// advertises itself as an IPv6 router every 200 s.
pub fn ipv6_router_advertisement() -> Scenario {
    let mut rng = Rng::new(0x7261_6476);
    let mut tr = Trace::default();
    let fs = fs();
    let ws1 = Dev::new("f8:bc:12:9e:33:21", [10, 20, 1, 21], Os::Windows, "WS-01");
    let ws3 = Dev::new("10:c5:95:7d:e1:23", [10, 20, 1, 23], Os::Windows, "WS-03");
    let prefix = Ipv6Addr::new(0x2408, 0x8207, 0x1851, 0x6a0, 0, 0, 0, 0);

    // 10:00 WS-01's link comes up: it solicits routers (benign) ...
    tr.at(ms(local(10, 0, 0), 12), frames::icmp6_rs(ws1.mac, ws1.ll()));
    // ... and WS-03, with connection sharing on, answers and keeps advertising.
    let start = ms(local(10, 0, 0), 530);
    let sent: Vec<Timestamp> =
        (0..3).map(|i| ms(start, 200_000 * i + i64::from(rng.next_u16() % 500))).collect();
    for &at in &sent {
        tr.at(at, frames::icmp6_ra(ws3.mac, ws3.ll(), prefix));
    }
    let (first, last) = (sent[0], sent[2]);
    // Ordinary neighbour discovery between WS-01 and FS01 meanwhile.
    let t = ms(local(10, 1, 0), 40);
    tr.at(t, frames::icmp6_ns(ws1.mac, ws1.ll(), fs.ll()));
    tr.at(us(t, 280), frames::icmp6_na(fs.mac, fs.ll(), ws1.mac, ws1.ll(), true));

    let assets = [
        Asset::of(&fs, "文件服务器 FS01", "fileserver"),
        Asset::of(&ws1, "质检工作站-01", "workstation"),
        Asset::of(&ws3, "著录工作站-03", "workstation"),
    ];
    let policy = policy_toml("Every device is registered.", "10.20.0.0/16", &assets);
    Scenario::new(
        "ipv6-router-advertisement",
        "A workstation sharing its connection sends IPv6 router advertisements every 200 s",
        "\
At 10:00 WS-01 solicits routers (benign: every IPv6 host does). WS-03, with Windows connection sharing
turned on, advertises itself as an IPv6 router with prefix 2408:8207:1851:6a0::/64, three times 200 s apart:
route.ipv6_router_advertisement on WS-03 with count 3. Neighbour solicitation and advertisement between
WS-01 and FS01 stay silent.

10:00 WS-01 发出路由器请求（正常：每台 IPv6 主机都会发）。开启了 Windows 网络共享的 WS-03 以前缀
2408:8207:1851:6a0::/64 宣称自己是 IPv6 路由器，每隔 200 秒一次，共三次：WS-03 上的
route.ipv6_router_advertisement，计数 3。WS-01 与 FS01 之间的邻居请求和通告不告警。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![ExpectedAlert::router_advertisement(ws3.mac, first, last, 3)],
    )
}

/// `ipv6-neighbour-discovery`: the look-alike — router solicitations,
/// duplicate address detection, neighbour solicitation and advertisement.
pub fn ipv6_neighbour_discovery() -> Scenario {
    let mut tr = Trace::default();
    let fs = fs();
    let ws1 = Dev::new("f8:bc:12:9e:33:21", [10, 20, 1, 21], Os::Windows, "WS-01");
    let ws5 = Dev::new("04:0e:3c:51:9f:25", [10, 20, 1, 25], Os::Windows, "WS-05");

    let t = ms(local(8, 30, 0), 7);
    for (i, dev) in [&ws1, &ws5].into_iter().enumerate() {
        let at = ms(t, 5000 * i as i64);
        tr.at(at, frames::icmp6_ns(dev.mac, Ipv6Addr::UNSPECIFIED, dev.ll()));
        tr.at(ms(at, 1000), frames::icmp6_rs(dev.mac, dev.ll()));
        tr.at(ms(at, 5000), frames::icmp6_rs(dev.mac, dev.ll()));
    }
    let t = ms(t, 20_000);
    tr.at(t, frames::icmp6_ns(ws5.mac, ws5.ll(), fs.ll()));
    tr.at(us(t, 310), frames::icmp6_na(fs.mac, fs.ll(), ws5.mac, ws5.ll(), true));

    let assets = [
        Asset::of(&fs, "文件服务器 FS01", "fileserver"),
        Asset::of(&ws1, "质检工作站-01", "workstation"),
        Asset::of(&ws5, "图像处理工作站-05", "workstation"),
    ];
    let policy = policy_toml("Every device is registered.", "10.20.0.0/16", &assets);
    Scenario::new(
        "ipv6-neighbour-discovery",
        "Hosts coming up on IPv6: duplicate address detection, router solicitations, neighbour discovery",
        "\
WS-01 and WS-05 come up: duplicate address detection for their link-local addresses (from ::), two router
solicitations each (no router answers), then WS-05 resolves FS01's link-local address. Only routers
advertise; nothing here does: silent.

WS-01 与 WS-05 启动：对各自链路本地地址做重复地址检测（源地址 ::），各发两次路由器请求（没有路由器应答），
随后 WS-05 解析 FS01 的链路本地地址。只有路由器才发通告，这里没有：不告警。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![],
    )
}

/// `router-present`: a dual-homed PC forwards — a traceroute probe's time
/// runs out on it, and it redirects a workstation to another gateway.
pub fn router_present() -> Scenario {
    let mut tr = Trace::default();
    let ws1 = Dev::new("f8:bc:12:9e:33:21", [10, 20, 1, 21], Os::Windows, "WS-01");
    let pc = Dev::new("d4:be:d9:6a:01:30", [10, 20, 1, 30], Os::Windows, "WS-07");
    let web = Ipv4Addr::new(203, 0, 113, 5);

    // 14:00 WS-01, with WS-07 as its gateway, traces the route to 203.0.113.5:
    // the first probe (TTL 1) expires on WS-07.
    let probe_at = ms(local(14, 0, 0), 210);
    let probe = frames::udp(&ws1.via(pc.mac, web).ttl(1), 49_152, 33_434, &[0; 32]);
    let quoted = probe[14..14 + 28].to_vec();
    tr.at(probe_at, probe);
    let expired = us(probe_at, 350);
    tr.at(expired, frames::icmp4_error(&pc.to(&ws1), 0, None, &quoted));
    // 14:00:05 WS-07 tells WS-01 to use 10.20.1.254 instead.
    let redirect = ms(probe_at, 5000);
    let gateway = Some(Ipv4Addr::new(10, 20, 1, 254));
    tr.at(redirect, frames::icmp4_error(&pc.to(&ws1), 0, gateway, &quoted));

    let assets = [
        Asset::of(&ws1, "质检工作站-01", "workstation"),
        Asset::of(&pc, "图像处理工作站-07", "workstation"),
    ];
    let policy = policy_toml("Every device is registered.", "10.20.0.0/16", &assets);
    Scenario::new(
        "router-present",
        "A dual-homed PC forwards: a traceroute probe expires on it, and it sends an ICMP redirect",
        "\
WS-01 has WS-07 (a PC with a second network card) as its gateway and traces the route to 203.0.113.5: the
probe with TTL 1 expires on WS-07, which answers ICMP time exceeded in transit, and five seconds later WS-07
redirects WS-01 to 10.20.1.254. Both are router messages: route.router_present on WS-07, count 2. The probe
itself is addressed off the LAN: route.offlan_destination on WS-01, count 1.

WS-01 把 WS-07（装有第二块网卡的电脑）设为网关，并跟踪到 203.0.113.5 的路由：TTL 为 1 的探测包在 WS-07 上
超时，WS-07 回送“传输中超时”，五秒后又向 WS-01 发出重定向，指向 10.20.1.254。两者都是路由器才发的报文：
WS-07 上的 route.router_present，计数 2。探测包本身发往网外：WS-01 上的 route.offlan_destination，计数 1。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![
            ExpectedAlert::router_present(pc.mac, expired, redirect, 2),
            ExpectedAlert::offlan_destination(ws1.mac, ws1.ip, probe_at, probe_at, 1),
        ],
    )
}

/// `icmp-errors`: the look-alike of `router-present` — ICMP errors that
/// hosts send: port unreachable, fragment reassembly timed out.
pub fn icmp_errors() -> Scenario {
    let mut tr = Trace::default();
    let fs = fs();
    let ws1 = Dev::new("f8:bc:12:9e:33:21", [10, 20, 1, 21], Os::Windows, "WS-01");

    // A query to a port nobody listens on: port unreachable.
    let at = ms(local(14, 0, 0), 100);
    let query = frames::udp(&ws1.to(&fs), 50_000, 5000, b"status?");
    let quoted = query[14..14 + 28].to_vec();
    tr.at(at, query);
    let mut unreachable = vec![0u8; 4];
    unreachable.extend_from_slice(&quoted);
    tr.at(
        us(at, 300),
        frames::ip_raw(&fs.to(&ws1), 1, &[&[3u8, 3, 0, 0][..], &unreachable].concat()),
    );
    // A fragment whose rest never came: reassembly time exceeded (code 1).
    tr.at(ms(at, 60_000), frames::icmp4_error(&fs.to(&ws1), 1, None, &quoted));

    let assets = [
        Asset::of(&fs, "文件服务器 FS01", "fileserver"),
        Asset::of(&ws1, "质检工作站-01", "workstation"),
    ];
    let policy = policy_toml("Every device is registered.", "10.20.0.0/16", &assets);
    Scenario::new(
        "icmp-errors",
        "ICMP errors hosts send: port unreachable, fragment reassembly time exceeded",
        "\
WS-01 queries a UDP port FS01 does not serve and FS01 answers port unreachable; later FS01 reports that a
fragmented packet from WS-01 could not be reassembled in time (time exceeded, code 1). Hosts send these;
only time exceeded in transit (code 0) and redirects say a device forwards: silent.

WS-01 查询 FS01 上未开放的 UDP 端口，FS01 回送端口不可达；稍后 FS01 报告 WS-01 的分片报文未能及时重组（超时，
代码 1）。这些是主机也会发的报文；只有“传输中超时”（代码 0）和重定向说明设备在转发：不告警。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![],
    )
}

/// `mac-flood`: a flooder sends from 45 made-up MACs in ten seconds
/// (inventory mode, the default limit of 20 new MACs a minute).
pub fn mac_flood() -> Scenario {
    let mut rng = Rng::new(0x6d61_6366);
    let mut tr = Trace::default();
    let start = ms(local(16, 0, 0), 300);
    let mut times = Vec::new();
    for i in 0..45u8 {
        let at = ms(start, 220 * i64::from(i) + i64::from(rng.next_u16() % 100));
        // Locally administered, unicast, each different.
        let mac = MacAddr([0x02, 0x5a, rng.next_u16() as u8, 0x10, i, 0x01]);
        tr.at(at, frames::ether_raw(mac, MacAddr::BROADCAST, 0x88b5, &[i; 46]));
        times.push(at);
    }
    Scenario::new(
        "mac-flood",
        "45 made-up MAC addresses in ten seconds, each sending one frame",
        "\
No policy: inventory mode, where the limit is 20 new MACs a minute. From 16:00:00 a flooder sends one
frame from each of 45 made-up, locally administered MACs, about 0.22 s apart. From the 21st the trailing
minute holds more than 20 new devices: device.mac_flood for the site, count 25 (the 21st to the 45th).

没有策略文件：资产盘点模式，上限为每分钟 20 个新 MAC。16:00:00 起，泛洪工具从 45 个伪造的本地管理 MAC 地址各发
一帧，间隔约 0.22 秒。从第 21 个起，一分钟内的新设备超过 20 个：整个场所的 device.mac_flood，计数 25（第 21 至
第 45 个）。
"
        .to_string(),
        None,
        SNAPLEN,
        tr.recs,
        vec![ExpectedAlert::mac_flood(times[20], times[44], 25)],
    )
}

/// `morning-start`: the look-alike of `mac-flood` — twenty devices come up
/// within one minute, exactly the limit.
pub fn morning_start() -> Scenario {
    let mut rng = Rng::new(0x6d6f_726e);
    let mut tr = Trace::default();
    let start = ms(local(8, 30, 0), 100);
    for i in 0..20u8 {
        let dev = Dev {
            mac: MacAddr([0x00, 0x1b, 0x21, 0x3a, 0x00, i]),
            ip: Ipv4Addr::new(10, 20, 2, 10 + i),
            os: Os::Windows,
            host: "WS",
        };
        acts::arp_claim(&mut tr, &mut rng, &dev, ms(start, 2500 * i64::from(i)));
    }
    Scenario::new(
        "morning-start",
        "Twenty workstations come up within one minute: at the limit, not a flood",
        "\
No policy: inventory mode, limit 20 new MACs a minute. At 08:30 twenty workstations are switched on 2.5 s
apart and announce their addresses: twenty new devices within one minute, at the limit and not above it:
silent.

没有策略文件：资产盘点模式，上限每分钟 20 个新 MAC。08:30 二十台工作站每隔 2.5 秒开机并宣告地址：一分钟内二十个
新设备，达到上限但未超过：不告警。
"
        .to_string(),
        None,
        SNAPLEN,
        tr.recs,
        vec![],
    )
}
