//! The small scenarios, one behaviour each: an unregistered device, off-LAN
//! destinations, benign local-scope traffic, inventory mode.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::acts::{self, SmbPlan};
use super::site::{Asset, Dev, Trace, local, ms, policy_toml, us};
use super::{ExpectedAlert, Scenario};
use crate::frames::{self, Ends, Os, Tcp, TcpPeer};
use crate::payload::{dhcp, dns, lldp};
use crate::rng::Rng;
use gapwatch_rules::Timestamp;

/// Snaplen of the small scenarios: whole frames.
const SNAPLEN: u32 = 65_535;

fn fs() -> Dev {
    Dev::new("0c:c4:7a:5e:21:0a", [10, 20, 0, 10], Os::Windows, "FS01")
}

fn switch() -> Dev {
    Dev::new("50:98:b8:3a:10:01", [10, 20, 0, 1], Os::Embedded, "DIG-SW01")
}

fn reserved_scope(fs: &Dev) -> dhcp::ServerConfig {
    dhcp::ServerConfig {
        server_ip: fs.ip,
        subnet_mask: Ipv4Addr::new(255, 255, 0, 0),
        router: None,
        dns: vec![fs.ip],
        domain: Some("dig.local".into()),
        lease_secs: 8 * 86_400,
    }
}

fn read_plan(bytes: usize) -> SmbPlan {
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
with count 3. Nothing answers, so route.offlan_reply stays silent. WS-05 talks only to the LAN (ARP, DNS and SMB with FS01), multicast (IGMP, mDNS, LLMNR,
SSDP), broadcast (NetBIOS to 10.20.255.255, a licence-server search to 255.255.255.255) and link-local
addresses (ICMPv6 with FS01's fe80:: address, HTTP to a scanner on 169.254.77.12): silent.

WS-01（10.20.1.21，已登记）的 DNS 设成 114.114.114.114、网关设成交换机：从两个源端口发出两次 DNS 查询（第一次
从同一端口重发一次，仍是同一会话），并向 203.0.113.5:443 发 SYN（重传两次）：共三个去往网外的会话，产生一条
route.offlan_destination，计数 3。均无应答，因此 route.offlan_reply 不告警。WS-05 只与本网（和 FS01 的 ARP、DNS、SMB）、组播（IGMP、mDNS、LLMNR、
SSDP）、广播（发往 10.20.255.255 的 NetBIOS、发往 255.255.255.255 的加密锁服务器搜索）和链路本地地址（与 FS01
的 fe80:: 地址的 ICMPv6、访问 169.254.77.12 上扫描仪的网页）通信：不告警。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![ExpectedAlert::offlan_destination(wa.mac, wa.ip, q1, syn, 3)],
    )
}

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
    https.send(&mut tr.recs, true, 517, &[0x16, 0x03, 0x01, 0x02, 0x00, 0x01]);
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
route.offlan_reply on FS01 (count 1). FS01 only answered, so no route.offlan_destination for it.

核心交换机有一条没人申报的上联。WS-01（10.20.1.21）向 114.114.114.114 查询 www.baidu.com 并得到应答，随后与
203.0.113.5 完成 HTTPS 握手：两个发往网外的会话（route.offlan_destination，计数 2），且都有应答（WS-01 上的
route.offlan_reply，计数 2）。10:03 互联网上的主机 198.51.100.7 连接 FS01 的远程桌面端口，FS01 应答：FS01 上的
route.offlan_reply（计数 1）。FS01 只是应答，因此不产生 route.offlan_destination。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![
            ExpectedAlert::offlan_destination(ws.mac, ws.ip, query_at, syn_at, 2),
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

    let assets =
        [Asset::of(&ws, "质检工作站-01", "workstation"), Asset::of(&gw, "网络测试盒", "other")];
    let policy = policy_toml("Every device is registered.", "10.20.0.0/16", &assets);
    Scenario::new(
        "tunnel",
        "A workstation tunnels to a LAN box with a 4G modem: GRE, then WireGuard",
        "\
WS-01 (10.20.1.21) exchanges GRE packets (IP protocol 47) with 10.20.1.99, a registered box that also has a
4G modem, and five minutes later a WireGuard handshake and data on UDP 51820. Both ends are on the LAN,
but the tunnel carries another network: route.tunnel on WS-01 with count 2 (two tunnel flows).

WS-01（10.20.1.21）与 10.20.1.99（已登记、另带 4G 模块的盒子）互发 GRE 报文（IP 协议号 47），五分钟后又在 UDP
51820 上完成 WireGuard 握手并发送数据。两端都在本网，但隧道承载着另一个网络：WS-01 上的 route.tunnel，计数 2。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![ExpectedAlert::tunnel(ws.mac, ws.ip, gre_at, wg_at, 2)],
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
(OpenVPN's), sends NTP from source port 51820 (WireGuard's) and pings FS01. A tunnel is told by its IP
protocol or by the port of the side that answers, so none of these is one: silent.

WS-01 从源端口 4500（IPsec NAT-T 的端口号）向 FS01 查询 DNS，从客户端端口 1194（OpenVPN 的端口号）建立 SMB 连接，
从源端口 51820（WireGuard 的端口号）发送 NTP，并 ping FS01。隧道按 IP 协议号或应答方端口识别，以上都不是隧道：
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
    };
    acts::lldp_series(&mut tr, &sw, &info, ms(local(9, 0, 1), 0), local(9, 2, 0), 60);

    // A workstation boots: DAD from ::, DHCP from 0.0.0.0 to 255.255.255.255,
    // an ARP probe from 0.0.0.0, then Windows' multicast and broadcast chatter.
    let t = ms(local(9, 0, 5), 220);
    tr.at(t, frames::icmp6_ns(ws.mac, Ipv6Addr::UNSPECIFIED, ws.ll()));
    let ack = acts::dhcp_dora(
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
    let ack = acts::dhcp_dora(&mut tr, &mut rng, &client, &fs, &scope, prn.ip, t);
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
    let ack = acts::dhcp_dora(
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
    https.send(&mut tr.recs, true, 517, &[0x16, 0x03, 0x01, 0x02, 0x00, 0x01]);
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
answered (the DNS reply, the SYN-ACK): the path out works, one route.offlan_reply with count 2.

没有策略文件：传感器以清点模式运行，私有地址段视为本网，没有资产登记，因此不产生 device.unregistered。
192.168.1.0/24 上一台戴尔台式机从 TP-Link 路由器获得地址，通过 SMB 访问群晖 NAS，然后向 8.8.8.8 查询
example.com 并与 93.184.215.14 建立 HTTPS 连接：两个去往网外的会话，产生一条 route.offlan_destination，计数 2。
两者都有应答（DNS 回复、SYN-ACK）：外联通路可用，产生一条 route.offlan_reply，计数 2。
"
        .to_string(),
        None,
        SNAPLEN,
        tr.recs,
        vec![
            ExpectedAlert::offlan_destination(host.mac, host.ip, dns_at, syn_at, 2),
            ExpectedAlert::offlan_reply(host.mac, host.ip, answer_at, syn_ack_at, 2),
        ],
    )
}
