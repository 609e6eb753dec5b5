//! The demo: a working Monday on a digitization LAN, with three incidents.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::acts::{self, SmbPlan};
use super::site::{Asset, Dev, Trace, local, ms, policy_toml};
use super::{ExpectedAlert, Scenario};
use crate::frames::{self, Os, Tcp, TcpPeer};
use crate::payload::{dhcp, dns, lldp};
use crate::rng::Rng;

/// Snaplen of the demo capture: DHCP, DNS, NetBIOS, mDNS and short TCP
/// segments kept whole; longer TCP segments (bulk copies) are cut further,
/// to [`TCP_KEEP`] bytes, so a day fits in about a megabyte.
pub const DEMO_SNAPLEN: u32 = 400;

const DESCRIPTION: &str = "\
A Monday (2026-03-02, 08:00–18:00 Asia/Shanghai) on the digitization LAN 10.20.0.0/16 of an archive's
outsourced scanning site: six network scanners (PFU/Fujitsu, Canon, Epson, Kodak), six Windows workstations
(Dell, Lenovo, HP), a file server FS01 (10.20.0.10) that also serves DNS for dig.local, DHCP and time, an
export station that burns discs, a Brother printer and an H3C managed switch (LLDP every 2 minutes,
management address 10.20.0.1; spanning tree is off on this one-switch LAN). Morning boot: DHCP, ARP probes and announcements, IGMP, NetBIOS, LLMNR, mDNS and SSDP chatter,
DNS to FS01. Through the day the scanners push scan batches to FS01 over SMB, workstations open files for
quality control and print to port 9100, the export station pulls finished batches at 16:05.
Incidents: 10:40 a contractor's Lenovo laptop (not in the register) is plugged in, gets 10.20.1.200 from the
DHCP pool, asks FS01 for www.msftconnecttest.com (NXDOMAIN) and tries TCP to 13.107.4.52:80 through the
switch's address, which the pool hands out as router; the SYN is retransmitted and never answered.
13:14 workstation 04 has been set to DNS server 114.114.114.114 and queries it three times (three flows),
then is put right. 15:30 a phone with a Wi-Fi privacy (locally administered) MAC joins by DHCP as
\"iPhone\", speaks mDNS over IPv4 and IPv6 link-local and tries 17.253.144.10:443 and 17.253.85.204:443.
17:50–17:55 the export station copies one more batch from FS01 after hours (no alert yet: no detector for it).
What fires beyond the devices and destinations: FS01's pool hands out a router (route.rogue_dhcp, to the
laptop and the phone), the laptop's NCSI lookups, workstation 04's time.windows.com and the phone's
captive.apple.com are internet probes (route.connectivity_probe), and workstation 04's queries to
114.114.114.114 are external DNS (route.external_dns, high).
Bulk copies are scaled down to a few MB; the capture keeps the first 128 bytes of TCP segments longer than
400 bytes (headers and the start of the payload) and every other frame whole.

某档案馆数字化外包加工场所的一个周一（2026-03-02，北京时间 08:00–18:00），加工网 10.20.0.0/16：六台网络扫描仪
（PFU/富士通、佳能、爱普生、柯达）、六台 Windows 工作站（戴尔、联想、惠普）、文件服务器 FS01（10.20.0.10，兼做
dig.local 域名解析、DHCP 和时间服务）、一台刻录光盘的导出工作站、一台兄弟打印机和一台华三网管交换机（每 2 分钟
发一次 LLDP，管理地址 10.20.0.1；单交换机网络未启用生成树）。早上开机：DHCP、ARP 探测与通告、IGMP、NetBIOS、LLMNR、mDNS、SSDP 广播，向 FS01 查询域名。
白天扫描仪通过 SMB 把扫描批次推送到 FS01，工作站打开文件质检并向 9100 端口打印，16:05 导出工作站拉取已完成批次。
事件：10:40 外包人员的联想笔记本（未登记）接入，从 DHCP 地址池获得 10.20.1.200，向 FS01 查询
www.msftconnecttest.com（不存在），并经地址池下发的“网关”（交换机地址）尝试连接 13.107.4.52:80，SYN 重传无应答；
13:14 工作站 04 的 DNS 被改成 114.114.114.114，向其查询三次（三个会话）后被改回；15:30 一部使用随机（本地管理）
MAC 的手机以“iPhone”名义通过 DHCP 入网，在 IPv4 和 IPv6 链路本地地址上发 mDNS，并尝试连接
17.253.144.10:443 和 17.253.85.204:443。17:50–17:55 导出工作站在下班后又从 FS01 拷贝了一批（暂无对应检测，不告警）。
除设备与外联告警外：FS01 的地址池下发了网关（route.rogue_dhcp，笔记本和手机各一次提供与确认）；笔记本的 NCSI
查询、工作站 04 的 time.windows.com 和手机的 captive.apple.com 属于联网探测（route.connectivity_probe）；工作站 04
向 114.114.114.114 的查询属于外部域名查询（route.external_dns，高）。
批量拷贝按比例缩小到几 MB；长于 400 字节的 TCP 报文只保留前 128 字节（报头及负载开头），其他帧完整保留。
";

/// The demo day.
pub fn demo() -> Scenario {
    let mut rng = Rng::new(0x6761_7077_6174_6368); // "gapwatch"
    let mut tr = Trace::default();

    // ---- the site ---------------------------------------------------------
    let sw = Dev::new("50:98:b8:3a:10:01", [10, 20, 0, 1], Os::Embedded, "DIG-SW01"); // New H3C
    let fs = Dev::new("0c:c4:7a:5e:21:0a", [10, 20, 0, 10], Os::Windows, "FS01"); // Supermicro
    let exp = Dev::new("80:96:21:4c:7e:30", [10, 20, 0, 30], Os::Windows, "EXPORT01"); // Lenovo
    let prn = Dev::new("30:05:5c:8a:41:2f", [10, 20, 0, 40], Os::Embedded, "BRN30055C8A412F"); // Brother
    let scanners = [
        Dev::new("00:80:17:6b:0e:11", [10, 20, 1, 11], Os::Embedded, "SCAN-01"), // PFU fi-7300NX
        Dev::new("f0:bc:c9:2d:55:12", [10, 20, 1, 12], Os::Embedded, "SCAN-02"), // PFU fi-7300NX
        Dev::new("00:1e:8f:a3:71:13", [10, 20, 1, 13], Os::Embedded, "SCAN-03"), // Canon ScanFront 400
        Dev::new("84:ba:3b:19:c2:14", [10, 20, 1, 14], Os::Embedded, "SCAN-04"), // Canon ScanFront 400
        Dev::new("64:eb:8c:44:0d:15", [10, 20, 1, 15], Os::Embedded, "SCAN-05"), // Epson DS-790WN
        Dev::new("00:07:5c:0f:9a:16", [10, 20, 1, 16], Os::Embedded, "SCAN-06"), // Kodak ScanStation 730EX
    ];
    let ws = [
        Dev::new("f8:bc:12:9e:33:21", [10, 20, 1, 21], Os::Windows, "WS-01"), // Dell
        Dev::new("98:e7:43:0a:6c:22", [10, 20, 1, 22], Os::Windows, "WS-02"), // Dell
        Dev::new("10:c5:95:7d:e1:23", [10, 20, 1, 23], Os::Windows, "WS-03"), // Lenovo
        Dev::new("a4:11:94:26:b8:24", [10, 20, 1, 24], Os::Windows, "WS-04"), // Lenovo
        Dev::new("04:0e:3c:51:9f:25", [10, 20, 1, 25], Os::Windows, "WS-05"), // HP Inc.
        Dev::new("3c:d9:2b:6e:07:26", [10, 20, 1, 26], Os::Windows, "WS-06"), // Hewlett Packard
    ];
    let laptop = Dev::new("a4:8c:db:5f:90:c7", [10, 20, 1, 200], Os::Windows, "LAPTOP-K3V9T2QD"); // Lenovo
    let phone = Dev::new("7e:c4:2a:5d:91:03", [10, 20, 1, 201], Os::Apple, "iPhone"); // locally administered
    let bcast = Ipv4Addr::new(10, 20, 255, 255);
    let reserved = dhcp::ServerConfig {
        server_ip: fs.ip,
        subnet_mask: Ipv4Addr::new(255, 255, 0, 0),
        router: None,
        dns: vec![fs.ip],
        domain: Some("dig.local".into()),
        lease_secs: 8 * 86_400,
    };
    // The pool for unknown clients was copied from an office template and
    // still names the switch's address as router.
    let pool = dhcp::ServerConfig { router: Some(sw.ip), lease_secs: 86_400, ..reserved.clone() };
    let fs_name = "fs01.dig.local";

    // ---- the switch: LLDP all day ----------------------------------------
    let info = lldp::Info {
        chassis: sw.mac,
        port: "GigabitEthernet1/0/24",
        ttl: 121,
        system_name: "DIG-SW01",
        system_description: "H3C Comware Platform Software, Software Version 7.1.070, H3C S5130S-28S-EI",
        management: Some(sw.ip),
        capabilities: [0x14, 0x04],
    };
    acts::lldp_series(&mut tr, &sw, &info, ms(local(8, 0, 7), 312), local(18, 0, 0), 120);

    // ---- morning boot -----------------------------------------------------
    // Printer (DHCP reservation, broadcast replies), then the scanners (static).
    let t = ms(local(8, 12, 40), rng.range(0, 999) as i64);
    let prn_client = dhcp::Client::embedded(prn.mac, prn.host, "Brother");
    let (_, ack) = acts::dhcp_dora(&mut tr, &mut rng, &prn_client, &fs, &reserved, prn.ip, t);
    let t = acts::arp_claim(&mut tr, &mut rng, &prn, ms(ack, 15));
    let svc = dns::mdns_service(
        "Brother HL-L5100DN",
        "_pdl-datastream._tcp.local",
        "BRN30055C8A412F.local",
        9100,
        prn.ip,
    );
    tr.at(ms(t, 300), frames::mdns(prn.mac, IpAddr::V4(prn.ip), &svc));

    for (i, s) in scanners.iter().enumerate() {
        let t = ms(local(8, 15 + 2 * i as i64, 0), rng.range(0, 59_999) as i64);
        let t = acts::arp_claim(&mut tr, &mut rng, s, t);
        let host = format!("{}.local", s.host.to_ascii_lowercase());
        let svc = dns::mdns_service(s.host, "_uscan._tcp.local", &host, 443, s.ip);
        tr.at(ms(t, 400), frames::mdns(s.mac, IpAddr::V4(s.ip), &svc));
    }

    // Workstations (DHCP reservations) and the export station (static).
    for (i, w) in ws.iter().enumerate() {
        let t = ms(local(8, 22 + 3 * i as i64, 0), rng.range(0, 99_999) as i64);
        let client = dhcp::Client::windows(w.mac, w.host);
        let (_, ack) = acts::dhcp_dora(&mut tr, &mut rng, &client, &fs, &reserved, w.ip, t);
        let t = acts::arp_claim(&mut tr, &mut rng, w, ms(ack, 30));
        let t = acts::windows_chatter(&mut tr, &mut rng, w, bcast, ms(t, 100), true);
        let t = acts::arp_resolve(&mut tr, &mut rng, w, &fs, ms(t, 200));
        let t = acts::dns_lookup(
            &mut tr,
            &mut rng,
            w,
            &fs,
            fs_name,
            &[fs.ip],
            dns::RCODE_NOERROR,
            ms(t, 2),
        );
        let t = acts::ntp(&mut tr, &mut rng, w, &fs, ms(t, 1500));
        let plan = SmbPlan {
            files: vec![],
            write: false,
            rate_bps: 400_000_000,
            no_logon: false,
            linger_ms: 4000,
        };
        acts::smb_session(&mut tr, &mut rng, w, &fs, ms(t, 800), &plan);
    }
    {
        let t = ms(local(8, 31, 0), rng.range(0, 59_999) as i64);
        let t = acts::arp_claim(&mut tr, &mut rng, &exp, t);
        let t = acts::windows_chatter(&mut tr, &mut rng, &exp, bcast, ms(t, 100), true);
        let t = acts::arp_resolve(&mut tr, &mut rng, &exp, &fs, ms(t, 300));
        acts::dns_lookup(
            &mut tr,
            &mut rng,
            &exp,
            &fs,
            fs_name,
            &[fs.ip],
            dns::RCODE_NOERROR,
            ms(t, 2),
        );
    }

    // ---- the working day ---------------------------------------------------
    // Hourly DNS refresh of fs01 by every workstation.
    for w in &ws {
        let mut t = ms(local(9, 0, 0), rng.range(0, 3_599_999) as i64);
        while t < local(17, 30, 0) {
            // (not while workstation 04 asks the wrong server, below)
            let misconfigured = w.mac == ws[3].mac && t > local(13, 13, 0) && t < local(13, 18, 0);
            if !misconfigured {
                acts::dns_lookup(
                    &mut tr,
                    &mut rng,
                    w,
                    &fs,
                    fs_name,
                    &[fs.ip],
                    dns::RCODE_NOERROR,
                    t,
                );
            }
            t = ms(t, rng.range(3_300_000, 3_900_000) as i64);
        }
    }
    // Scan batches: two per scanner, 3–4 files of 60–110 KB each.
    for (i, s) in scanners.iter().enumerate() {
        for start in [local(9, 5 + 17 * i as i64, 0), local(13, 40 + 19 * i as i64, 0)] {
            let t = ms(start, rng.range(0, 299_999) as i64);
            let t = acts::arp_resolve(&mut tr, &mut rng, s, &fs, t);
            let files = (0..rng.range(3, 4))
                .map(|_| (rng.range(60_000, 110_000) as usize, rng.range(1500, 6000)))
                .collect();
            let plan = SmbPlan {
                files,
                write: true,
                rate_bps: 90_000_000,
                no_logon: false,
                linger_ms: 200,
            };
            acts::smb_session(&mut tr, &mut rng, s, &fs, ms(t, 1), &plan);
        }
    }
    // Quality control: each workstation opens a finished file.
    for (i, w) in ws.iter().enumerate() {
        let t =
            ms(local(10 + (i as i64 % 2) * 4, 10 + 7 * i as i64, 0), rng.range(0, 59_999) as i64);
        let plan = SmbPlan {
            files: vec![(rng.range(40_000, 70_000) as usize, 0)],
            write: false,
            rate_bps: 400_000_000,
            no_logon: false,
            linger_ms: 9000,
        };
        acts::smb_session(&mut tr, &mut rng, w, &fs, t, &plan);
    }
    // Printing.
    for (w, at, bytes, job) in [
        (&ws[1], local(10, 5, 12), 150_000, "交接单.docx"),
        (&ws[4], local(14, 20, 31), 200_000, "质检记录.xlsx"),
        (&ws[0], local(16, 40, 3), 120_000, "目录.pdf"),
    ] {
        let t = acts::arp_resolve(&mut tr, &mut rng, w, &prn, at);
        acts::print_job(&mut tr, &mut rng, w, &prn, ms(t, 1), bytes, job, "operator");
    }
    // The export station pulls the finished batches (2 MB) at 16:05.
    {
        let at = ms(local(16, 5, 0), rng.range(0, 30_000) as i64);
        let t = acts::arp_resolve(&mut tr, &mut rng, &exp, &fs, at);
        let files = (0..4).map(|_| (512 * 1024, rng.range(3000, 10_000))).collect();
        let plan = SmbPlan {
            files,
            write: false,
            rate_bps: 500_000_000,
            no_logon: false,
            linger_ms: 6000,
        };
        acts::smb_session(&mut tr, &mut rng, &exp, &fs, ms(t, 1), &plan);
    }
    // And once more after hours, 17:50–17:55: five files a minute apart.
    {
        let t = acts::arp_resolve(&mut tr, &mut rng, &exp, &fs, local(17, 50, 2));
        let files = (0..5)
            .map(|i| (300 * 1024, if i == 0 { 500 } else { rng.range(55_000, 65_000) }))
            .collect();
        let plan = SmbPlan {
            files,
            write: false,
            rate_bps: 500_000_000,
            no_logon: false,
            linger_ms: 3000,
        };
        acts::smb_session(&mut tr, &mut rng, &exp, &fs, ms(t, 1), &plan);
    }

    // ---- incident 1: the contractor's laptop, 10:40 --------------------------
    let laptop_first = ms(local(10, 40, 12), 337);
    let client = dhcp::Client::windows(laptop.mac, laptop.host);
    let (laptop_offer, ack) =
        acts::dhcp_dora(&mut tr, &mut rng, &client, &fs, &pool, laptop.ip, laptop_first);
    // The ARP announcement is the first frame carrying 10.20.1.200.
    let laptop_bound = acts::arp_claim(&mut tr, &mut rng, &laptop, ms(ack, 40));
    let t = acts::windows_chatter(&mut tr, &mut rng, &laptop, bcast, ms(laptop_bound, 150), false);
    let t = acts::arp_resolve(&mut tr, &mut rng, &laptop, &fs, ms(t, 300));
    let ncsi_at = ms(t, 3);
    let t = acts::dns_lookup(
        &mut tr,
        &mut rng,
        &laptop,
        &fs,
        "www.msftconnecttest.com",
        &[],
        dns::RCODE_NXDOMAIN,
        ncsi_at,
    );
    let ncsi2_at = ms(t, 25);
    let t = acts::dns_lookup(
        &mut tr,
        &mut rng,
        &laptop,
        &fs,
        "dns.msftncsi.com",
        &[],
        dns::RCODE_NXDOMAIN,
        ncsi2_at,
    );
    let t = acts::arp_resolve(&mut tr, &mut rng, &laptop, &sw, ms(t, 410));
    let laptop_syn = ms(t, 2);
    let ncsi = TcpPeer {
        mac: sw.mac,
        ip: Ipv4Addr::new(13, 107, 4, 52).into(),
        port: 80,
        os: Os::Windows,
    };
    Tcp::new(laptop.peer(rng.ephemeral_port()), ncsi, laptop_syn, rng.next_u64())
        .syn_unanswered(&mut tr.recs, &[3000, 9000]);
    // The contractor then browses \\FS01 and is refused a session.
    let plan = SmbPlan {
        files: vec![],
        write: false,
        rate_bps: 400_000_000,
        no_logon: true,
        linger_ms: 150,
    };
    acts::smb_session(&mut tr, &mut rng, &laptop, &fs, ms(laptop_syn, 41_000), &plan);

    // ---- incident 2: workstation 04 asks 114.114.114.114, 13:14 -------------
    let w4 = ws[3];
    let public_dns = Ipv4Addr::new(114, 114, 114, 114);
    let t = acts::arp_resolve(&mut tr, &mut rng, &w4, &sw, ms(local(13, 14, 2), 118));
    let mut misconf = Vec::new();
    for (name, at, tries) in [
        (fs_name, ms(t, 2), 3),
        ("wpad.dig.local", ms(local(13, 14, 41), 503), 2),
        ("time.windows.com", ms(local(13, 15, 36), 76), 3),
    ] {
        // One source port per query (one flow each); Windows repeats it
        // once a second from the same port while nobody answers.
        let (sport, id) = (rng.ephemeral_port(), rng.next_u16());
        for k in 0..tries {
            tr.at(
                ms(at, 1000 * k),
                frames::dns_query(&w4.via(sw.mac, public_dns), sport, id, name),
            );
        }
        misconf.push(at);
    }
    // Put right at 13:17: back to FS01.
    acts::dns_lookup(
        &mut tr,
        &mut rng,
        &w4,
        &fs,
        fs_name,
        &[fs.ip],
        dns::RCODE_NOERROR,
        ms(local(13, 17, 20), 9),
    );

    // ---- incident 3: a phone, 15:30 ------------------------------------------
    let phone_first = ms(local(15, 30, 5), 861);
    let client = dhcp::Client::iphone(phone.mac, phone.host);
    let (_, phone_ack) =
        acts::dhcp_dora(&mut tr, &mut rng, &client, &fs, &pool, phone.ip, phone_first);
    let phone_bound4 = acts::arp_claim(&mut tr, &mut rng, &phone, ms(phone_ack, 12));
    tr.at(ms(phone_bound4, 80), frames::icmp6_ns(phone.mac, Ipv6Addr::UNSPECIFIED, phone.ll()));
    // First frame from its link-local address: the second binding.
    let phone_bound6 = ms(phone_bound4, 1130);
    let q = dns::mdns_query(
        &[("_airplay._tcp.local", dns::TYPE_PTR), ("_raop._tcp.local", dns::TYPE_PTR)],
        true,
    );
    tr.at(phone_bound6, frames::mdns(phone.mac, IpAddr::V6(phone.ll()), &q));
    tr.at(ms(phone_bound6, 1), frames::mdns(phone.mac, IpAddr::V4(phone.ip), &q));
    let ann6 = dns::mdns_announce("iPhone.local", &[IpAddr::V6(phone.ll()), IpAddr::V4(phone.ip)]);
    tr.at(ms(phone_bound6, 950), frames::mdns(phone.mac, IpAddr::V6(phone.ll()), &ann6));
    tr.at(ms(phone_bound6, 951), frames::mdns(phone.mac, IpAddr::V4(phone.ip), &ann6));
    let t = acts::arp_resolve(&mut tr, &mut rng, &phone, &fs, ms(phone_bound6, 1400));
    let captive_at = ms(t, 2);
    let t = acts::dns_lookup(
        &mut tr,
        &mut rng,
        &phone,
        &fs,
        "captive.apple.com",
        &[],
        dns::RCODE_NXDOMAIN,
        captive_at,
    );
    let t = acts::arp_resolve(&mut tr, &mut rng, &phone, &sw, ms(t, 700));
    let phone_syn1 = ms(t, 3);
    let phone_syn2 = ms(phone_syn1, 12_406);
    for (at, ip) in [
        (phone_syn1, Ipv4Addr::new(17, 253, 144, 10)),
        (phone_syn2, Ipv4Addr::new(17, 253, 85, 204)),
    ] {
        let apple = TcpPeer { mac: sw.mac, ip: ip.into(), port: 443, os: Os::Linux };
        Tcp::new(phone.peer(rng.ephemeral_port()), apple, at, rng.next_u64())
            .syn_unanswered(&mut tr.recs, &[1000, 2000, 3000, 5000]);
    }

    // ---- the register and what must fire ---------------------------------------
    let scanner_names =
        ["扫描仪-01", "扫描仪-02", "扫描仪-03", "扫描仪-04", "扫描仪-05", "扫描仪-06"];
    let ws_names = [
        "质检工作站-01",
        "质检工作站-02",
        "著录工作站-03",
        "著录工作站-04",
        "图像处理工作站-05",
        "图像处理工作站-06",
    ];
    let owners = ["张三", "李四", "王五", "赵六", "孙七", "周八"];
    let mut assets = vec![
        Asset::of(&sw, "核心交换机", "switch").at("机房", "刘工"),
        Asset::of(&fs, "文件服务器 FS01", "fileserver").at("机房", "刘工"),
        Asset::of(&exp, "光盘导出工作站", "export").at("二楼导出室", "陈保密员"),
        Asset::of(&prn, "激光打印机", "printer").at("二楼加工室", "刘工"),
    ];
    for (i, s) in scanners.iter().enumerate() {
        assets.push(Asset::of(s, scanner_names[i], "scanner").at("二楼加工室", owners[i]));
    }
    for (i, w) in ws.iter().enumerate() {
        assets.push(Asset::of(w, ws_names[i], "workstation").at("二楼加工室", owners[i]));
    }
    let policy = policy_toml(
        "The demo site: every device of the digitization LAN is registered.\n演示场所：加工网内所有设备均已登记。",
        "10.20.0.0/16",
        &assets,
    );

    let expected = vec![
        // The laptop: first frame (DHCP DISCOVER), then one address.
        ExpectedAlert::unregistered(laptop.mac, laptop_first, laptop_bound, 2),
        ExpectedAlert::offlan_destination(laptop.mac, laptop.ip, laptop_syn, laptop_syn, 1),
        // The phone: first frame, then 10.20.1.201 and its fe80:: address.
        ExpectedAlert::unregistered(phone.mac, phone_first, phone_bound6, 3),
        ExpectedAlert::offlan_destination(phone.mac, phone.ip, phone_syn1, phone_syn2, 2),
        // Workstation 04: three queries to 114.114.114.114 from three ports,
        // three names, the last an internet time service.
        ExpectedAlert::offlan_destination(w4.mac, w4.ip, misconf[0], misconf[2], 3),
        ExpectedAlert::external_dns(w4.mac, w4.ip, "high", (misconf[0], misconf[2], 3)),
        ExpectedAlert::connectivity_probe(w4.mac, w4.ip, (misconf[2], misconf[2], 1)),
        // The laptop's NCSI lookups and the phone's captive-portal check.
        ExpectedAlert::connectivity_probe(laptop.mac, laptop.ip, (ncsi_at, ncsi2_at, 2)),
        ExpectedAlert::connectivity_probe(phone.mac, phone.ip, (captive_at, captive_at, 1)),
        // FS01's pool names a router: its offer and ack to the laptop and
        // to the phone.
        ExpectedAlert::rogue_dhcp(fs.mac, fs.ip, (laptop_offer, phone_ack, 4)),
    ];
    Scenario::new(
        "demo",
        "A working Monday on a digitization LAN: a contractor's laptop, a misconfigured DNS, a phone",
        DESCRIPTION.to_string(),
        Some(policy),
        DEMO_SNAPLEN,
        tr.recs,
        expected,
    )
    .cutting_tcp_to(TCP_KEEP)
}

/// Bytes the demo capture keeps of a TCP segment longer than its snaplen
/// (a bulk copy's): the headers and the start of the payload, as a
/// headers-only sensor would.
pub const TCP_KEEP: u32 = 128;
