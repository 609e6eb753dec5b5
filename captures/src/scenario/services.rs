//! The scenarios of what devices are and what they serve: a scanner and a
//! workstation answering on ports their roles do not allow, a registered
//! MAC that moves to another machine, and their look-alikes.

use std::net::IpAddr;

use super::acts;
use super::site::{Asset, Dev, Trace, local, ms, policy_toml};
use super::small::{SNAPLEN, fs, read_plan, reserved_scope};
use super::{ExpectedAlert, Scenario};
use crate::frames::{self, Os, Tcp};
use crate::payload::dhcp;
use crate::rng::Rng;

const UNEXPECTED_SERVICE: (&str, &str, &str) = ("device.unexpected_service", "medium", "5.3");
const FINGERPRINT_CHANGED: (&str, &str, &str) = ("device.fingerprint_changed", "medium", "5.8");

/// What each role may answer on, as a site writes it.
const ROLES: &str = "
[roles.scanner]
may_serve = [80, 443]

[roles.workstation]
may_serve = []

[roles.fileserver]
may_serve = [53, 67, 123, 137, 138, 139, 445]
";

fn scanner() -> Dev {
    Dev::new("00:80:17:6b:0e:11", [10, 20, 1, 11], Os::Embedded, "SCAN-01")
}

fn ws1() -> Dev {
    Dev::new("f8:bc:12:9e:33:21", [10, 20, 1, 21], Os::Windows, "WS-01")
}

fn ws5() -> Dev {
    Dev::new("04:0e:3c:51:9f:25", [10, 20, 1, 25], Os::Windows, "WS-05")
}

/// The register and roles of the two service scenarios.
fn service_policy(devices: &[(&Dev, &'static str, &'static str)]) -> String {
    let assets: Vec<Asset<'_>> =
        devices.iter().map(|(dev, name, role)| Asset::of(dev, name, role)).collect();
    let comment =
        "Every device is registered; scanners may serve their web page, workstations nothing.";
    policy_toml(comment, "10.20.0.0/16", &assets) + ROLES
}

/// `unexpected-service`: a scanner answers SSH and SNMP, a workstation
/// answers remote desktop.
pub fn unexpected_service() -> Scenario {
    let mut rng = Rng::new(0x7365_7276);
    let mut tr = Trace::default();
    let (scan, ws1, ws5) = (scanner(), ws1(), ws5());

    // 10:00 WS-01 logs in to the scanner over SSH ...
    let t = acts::arp_resolve(&mut tr, &mut rng, &ws1, &scan, ms(local(10, 0, 0), 35));
    let mut ssh = Tcp::new(ws1.peer(rng.ephemeral_port()), scan.peer(22), ms(t, 1), 11);
    let ssh_at = ssh.connect(&mut tr.recs);
    ssh.send(&mut tr.recs, false, 41, b"SSH-2.0-dropbear_2019.78\r\n");
    ssh.send(&mut tr.recs, true, 42, b"SSH-2.0-OpenSSH_for_Windows_8.1\r\n");
    ssh.close(&mut tr.recs, true);
    // ... and asks its SNMP agent, which answers.
    let snmp_at = ms(local(10, 2, 0), 220);
    let get = [0x30, 0x26, 0x02, 0x01, 0x01, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c'];
    tr.at(snmp_at, frames::udp(&ws1.to(&scan), 50_161, 161, &get));
    let snmp_reply_at = ms(snmp_at, 4);
    tr.at(snmp_reply_at, frames::udp(&scan.to(&ws1), 161, 50_161, &get));
    // 10:05 WS-05 accepts a remote desktop connection from WS-01.
    let t = acts::arp_resolve(&mut tr, &mut rng, &ws1, &ws5, ms(local(10, 5, 0), 90));
    let mut rdp = Tcp::new(ws1.peer(rng.ephemeral_port()), ws5.peer(3389), ms(t, 1), 13);
    let rdp_at = rdp.connect(&mut tr.recs);
    rdp.send(&mut tr.recs, true, 43, &[0x03, 0x00, 0x00, 0x2b]);
    rdp.close(&mut tr.recs, true);

    let policy = service_policy(&[
        (&scan, "扫描仪-01", "scanner"),
        (&ws1, "质检工作站-01", "workstation"),
        (&ws5, "图像处理工作站-05", "workstation"),
    ]);
    Scenario::new(
        "unexpected-service",
        "A scanner answers SSH and SNMP, a workstation accepts remote desktop: ports their roles do not allow",
        "\
The policy lets scanners serve their web page (80, 443) and workstations nothing. At 10:00 WS-01 logs in
to SCAN-01 over SSH (port 22) and at 10:02 its SNMP agent (UDP 161) answers WS-01: device.unexpected_service
on SCAN-01, count 2. At 10:05 WS-05 accepts a remote desktop connection (3389): device.unexpected_service on
WS-05, count 1.

策略只允许扫描仪提供网页服务（80、443），工作站不得提供任何服务。10:00 WS-01 通过 SSH（22 端口）登录 SCAN-01，
10:02 SCAN-01 的 SNMP 代理（UDP 161）应答了 WS-01：SCAN-01 上的 device.unexpected_service，计数 2。10:05 WS-05
接受了远程桌面连接（3389）：WS-05 上的 device.unexpected_service，计数 1。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![
            ExpectedAlert::device(
                UNEXPECTED_SERVICE,
                scan.mac,
                Some(IpAddr::V4(scan.ip)),
                (ssh_at, snmp_reply_at, 2),
            ),
            ExpectedAlert::device(
                UNEXPECTED_SERVICE,
                ws5.mac,
                Some(IpAddr::V4(ws5.ip)),
                (rdp_at, rdp_at, 1),
            ),
        ],
    )
}

/// `allowed-services`: the look-alike of `unexpected-service` — services
/// the roles allow, refused and unanswered connections, roles the policy
/// does not constrain.
pub fn allowed_services() -> Scenario {
    let mut rng = Rng::new(0x616c_6c6f);
    let mut tr = Trace::default();
    let (scan, ws1, ws5, fs) = (scanner(), ws1(), ws5(), fs());
    let prn = Dev::new("30:05:5c:8a:41:2f", [10, 20, 0, 40], Os::Embedded, "BRN30055C8A412F");

    // The scanner's web page (allowed), FS01's shares and DNS (allowed).
    let t = acts::arp_resolve(&mut tr, &mut rng, &ws1, &scan, ms(local(10, 0, 0), 35));
    let mut web = Tcp::new(ws1.peer(rng.ephemeral_port()), scan.peer(80), ms(t, 1), 17);
    web.connect(&mut tr.recs);
    web.send(&mut tr.recs, true, 60, b"GET / HTTP/1.1\r\nHost: 10.20.1.11\r\n\r\n");
    web.send(&mut tr.recs, false, 900, b"HTTP/1.1 200 OK\r\n\r\n");
    web.close(&mut tr.recs, true);
    let t = acts::arp_resolve(&mut tr, &mut rng, &ws1, &fs, ms(t, 2000));
    let t = acts::dns_lookup(&mut tr, &mut rng, &ws1, &fs, "fs01.dig.local", &[fs.ip], 0, ms(t, 2));
    let t = acts::smb_session(&mut tr, &mut rng, &ws1, &fs, ms(t, 3), &read_plan(20_000));
    // SSH to the scanner is refused with a reset; remote desktop to WS-05
    // is never answered.
    let mut ssh = Tcp::new(ws1.peer(rng.ephemeral_port()), scan.peer(22), ms(t, 500), 19);
    ssh.syn_unanswered(&mut tr.recs, &[]);
    ssh.wait_ms(1);
    ssh.reset(&mut tr.recs, false);
    let t = acts::arp_resolve(&mut tr, &mut rng, &ws1, &ws5, ms(t, 2000));
    let mut rdp = Tcp::new(ws1.peer(rng.ephemeral_port()), ws5.peer(3389), ms(t, 1), 23);
    rdp.syn_unanswered(&mut tr.recs, &[3000, 9000]);
    // WS-05 answers a ping: no port, nothing served.
    tr.at(ms(t, 12_000), frames::icmp_echo(&ws1.to(&ws5), true, 1, 1, b"abcdefgh"));
    tr.at(ms(t, 12_001), frames::icmp_echo(&ws5.to(&ws1), false, 1, 1, b"abcdefgh"));
    // The printer has no [roles.printer]: its role is not constrained.
    let t = acts::arp_resolve(&mut tr, &mut rng, &ws1, &prn, ms(t, 15_000));
    acts::print_job(&mut tr, &mut rng, &ws1, &prn, ms(t, 2), 30_000, "scan-report.pdf", "zhangsan");

    let policy = service_policy(&[
        (&scan, "扫描仪-01", "scanner"),
        (&ws1, "质检工作站-01", "workstation"),
        (&ws5, "图像处理工作站-05", "workstation"),
        (&fs, "文件服务器 FS01", "fileserver"),
        (&prn, "激光打印机", "printer"),
    ]);
    Scenario::new(
        "allowed-services",
        "Services the roles allow, a refused SSH, an unanswered remote desktop, a ping, a printer",
        "\
WS-01 opens the scanner's web page (port 80, allowed), asks FS01 for a name and reads a share (53 and 445,
allowed for a file server). Its SSH to the scanner is refused with a reset, its remote desktop to WS-05 is
never answered, and WS-05 answers a ping (no port). It prints to port 9100 of the printer, whose role has no
[roles.printer] table and is not constrained. Silent.

WS-01 打开扫描仪的网页（80 端口，允许），向 FS01 查询名称并读取共享（53 与 445，文件服务器允许）。它对扫描仪的
SSH 被复位拒绝，对 WS-05 的远程桌面无人应答，WS-05 应答了 ping（无端口）。它向打印机的 9100 端口打印，打印机角色
没有 [roles.printer] 表，不受约束。不告警。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![],
    )
}

/// `fingerprint-changed`: a registered workstation's NIC turns up in a
/// Linux machine, and a phone takes the registered printer's MAC.
pub fn fingerprint_changed() -> Scenario {
    let mut rng = Rng::new(0x6670_6368);
    let mut tr = Trace::default();
    let fs = fs();
    let scope = reserved_scope(&fs);
    let ws4 = Dev::new("a4:11:94:26:b8:24", [10, 20, 1, 24], Os::Windows, "WS-04");
    let prn = Dev::new("30:05:5c:8a:41:2f", [10, 20, 0, 40], Os::Embedded, "BRN30055C8A412F");

    // 08:40 the printer takes its reservation, as every morning.
    let printer = dhcp::Client::embedded(prn.mac, prn.host, "Brother NC-8300h");
    acts::dhcp_dora(&mut tr, &mut rng, &printer, &fs, &scope, prn.ip, ms(local(8, 40, 0), 120));
    // 09:00 WS-04, a Windows machine, reads from FS01.
    let t = acts::arp_resolve(&mut tr, &mut rng, &ws4, &fs, ms(local(9, 0, 0), 60));
    acts::smb_session(&mut tr, &mut rng, &ws4, &fs, ms(t, 3), &read_plan(20_000));
    // 11:15 a phone set to the printer's MAC asks DHCP for an address:
    // the register knows the MAC, so no unregistered device shows.
    let phone = dhcp::Client::embedded(prn.mac, "android-5d1c0e7a2b9f", "android-dhcp-13");
    let phone_at = ms(local(11, 15, 0), 530);
    acts::dhcp_dora(&mut tr, &mut rng, &phone, &fs, &scope, prn.ip, phone_at);
    // 12:30 the same MAC and address as WS-04, but the machine behind it
    // runs Linux (a live USB stick, or the NIC moved to another box).
    let linux = Dev { os: Os::Linux, ..ws4 };
    let t = acts::arp_resolve(&mut tr, &mut rng, &linux, &fs, ms(local(12, 30, 0), 410));
    let changed_at = ms(t, 3);
    acts::smb_session(&mut tr, &mut rng, &linux, &fs, changed_at, &read_plan(20_000));

    let assets = [
        Asset::of(&fs, "文件服务器 FS01", "fileserver"),
        Asset::of(&ws4, "著录工作站-04", "workstation"),
        Asset::of(&prn, "网络打印机", "printer"),
    ];
    let policy = policy_toml("Every device is registered.", "10.20.0.0/16", &assets);
    Scenario::new(
        "fingerprint-changed",
        "A registered workstation's MAC turns up in a Linux machine, and a phone takes the printer's MAC",
        "\
At 08:40 the Brother printer takes its DHCP reservation (vendor class and host name of a Brother printer).
At 09:00 WS-04 (Windows, its TCP packets leave with TTL 128) reads a share on FS01. At 11:15 a phone set to
the printer's MAC asks DHCP for the printer's address with Android's vendor class: the register knows the
MAC, but the class changed from printer to phone: device.fingerprint_changed on the printer, count 1. At
12:30 WS-04's MAC and address read from FS01 again, but the packets leave with TTL 64 and a Linux SYN: a
Linux machine now stands behind the registered MAC. device.fingerprint_changed on WS-04, count 2 (the TTL
and the OS family).

08:40 兄弟打印机按保留地址获取 DHCP 租约（兄弟打印机的厂商类别和主机名）。09:00 WS-04（Windows，TCP 报文初始 TTL
为 128）读取 FS01 上的共享。11:15 一部改用打印机 MAC 的手机以安卓的厂商类别申请打印机的地址：登记表认得这个 MAC，
但设备类型由打印机变成了手机：打印机上的 device.fingerprint_changed，计数 1。12:30 WS-04 的 MAC 和地址再次访问
FS01，但报文初始 TTL 变为 64、SYN 为 Linux 特征：登记的 MAC 背后换成了 Linux 机器。WS-04 上的
device.fingerprint_changed，计数 2（TTL 与操作系统各一次）。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![
            ExpectedAlert::device(FINGERPRINT_CHANGED, prn.mac, None, (phone_at, phone_at, 1)),
            ExpectedAlert::device(FINGERPRINT_CHANGED, ws4.mac, None, (changed_at, changed_at, 2)),
        ],
    )
}

/// `fingerprint-steady`: the look-alike of `fingerprint-changed` — one
/// machine whose packets leave with several TTLs by protocol.
pub fn fingerprint_steady() -> Scenario {
    let mut rng = Rng::new(0x6670_7374);
    let mut tr = Trace::default();
    let fs = fs();
    let ws4 = Dev::new("a4:11:94:26:b8:24", [10, 20, 1, 24], Os::Windows, "WS-04");
    let scan = scanner();
    let bcast = std::net::Ipv4Addr::new(10, 20, 255, 255);

    // WS-04 boots: mDNS (TTL 255), LLMNR (TTL 1), NetBIOS, SSDP, IGMP ...
    let t = acts::windows_chatter(&mut tr, &mut rng, &ws4, bcast, ms(local(9, 0, 0), 60), true);
    // ... reads from FS01 (TCP, TTL 128) and pings it ...
    let t = acts::arp_resolve(&mut tr, &mut rng, &ws4, &fs, ms(t, 500));
    let t = acts::smb_session(&mut tr, &mut rng, &ws4, &fs, ms(t, 3), &read_plan(20_000));
    tr.at(ms(t, 100), frames::icmp_echo(&ws4.to(&fs), true, 1, 1, b"abcdefgh"));
    tr.at(ms(t, 101), frames::icmp_echo(&fs.to(&ws4), false, 1, 1, b"abcdefgh"));
    // ... and the scanner (TTL 64) pushes a batch to FS01 all along.
    let t = acts::arp_resolve(&mut tr, &mut rng, &scan, &fs, ms(t, 1000));
    let plan = acts::SmbPlan { write: true, ..read_plan(40_000) };
    let t = acts::smb_session(&mut tr, &mut rng, &scan, &fs, ms(t, 3), &plan);
    acts::smb_session(&mut tr, &mut rng, &ws4, &fs, ms(t, 60_000), &read_plan(10_000));

    let assets = [
        Asset::of(&fs, "文件服务器 FS01", "fileserver"),
        Asset::of(&ws4, "著录工作站-04", "workstation"),
        Asset::of(&scan, "扫描仪-01", "scanner"),
    ];
    let policy = policy_toml("Every device is registered.", "10.20.0.0/16", &assets);
    Scenario::new(
        "fingerprint-steady",
        "One Windows machine whose packets leave with TTL 1, 128 and 255 by protocol, beside a TTL-64 scanner",
        "\
WS-04 boots and chatters (mDNS leaves with TTL 255, LLMNR with TTL 1), reads from FS01 over TCP (TTL 128)
and pings it, while SCAN-01 (TTL 64) pushes a batch to FS01; later WS-04 reads again. Only TCP packets to a
unicast address count, and each device keeps its own TTL there: silent.

WS-04 开机并发出广播（mDNS 的 TTL 为 255，LLMNR 为 1），通过 TCP 读取 FS01（TTL 128）并 ping 它；SCAN-01（TTL 64）
同时向 FS01 推送一批文件；之后 WS-04 再次读取。只统计发往单播地址的 TCP 报文，各设备的初始 TTL 保持不变：
不告警。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![],
    )
}
