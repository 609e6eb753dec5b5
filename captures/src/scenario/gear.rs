//! The scenario of network gear announcing itself: a registered layer-3
//! switch, an unregistered router and an unregistered wireless access
//! point, each by its own discovery protocol.

use super::acts;
use super::site::{Asset, Dev, Trace, local, ms, policy_toml};
use super::small::{SNAPLEN, fs, switch};
use super::{ExpectedAlert, Scenario};
use crate::frames::{self, Os};
use crate::payload::{cdp, lldp};

/// 802.1AB capability bits.
const BRIDGE: u16 = 0x0004;
const WLAN_AP: u16 = 0x0008;
const ROUTER: u16 = 0x0010;

/// `announced-router`: a router and an access point plugged into the LAN
/// say what they are in CDP and LLDP; the registered switch says it
/// routes too, and stays silent.
pub fn announced_router() -> Scenario {
    let mut tr = Trace::default();
    let fs = fs();
    let sw = switch();
    let router = Dev::new("00:1e:f7:3a:90:01", [10, 20, 9, 1], Os::Embedded, "R1");
    let ap = Dev::new("50:c7:bf:52:1e:08", [10, 20, 9, 2], Os::Embedded, "AP");

    // The registered switch routes between the LAN's VLANs: LLDP with
    // bridge and router enabled every 30 s, spanning tree every 2 s.
    let sw_info = lldp::Info {
        chassis: sw.mac,
        port: "GigabitEthernet1/0/24",
        ttl: 121,
        system_name: "DIG-SW01",
        system_description: "H3C Comware Platform Software, Software Version 7.1.070, H3C S5560X-30C-EI",
        management: Some(sw.ip),
        capabilities: [BRIDGE | ROUTER, BRIDGE | ROUTER],
    };
    let (from, until) = (ms(local(9, 0, 0), 250), local(9, 6, 0));
    acts::lldp_series(&mut tr, &sw, &sw_info, from, until, 30);
    acts::stp_series(&mut tr, &sw, ms(from, 700), until);

    // 09:02 someone plugs in a branch-office router: CDP every 60 s.
    let router_info = cdp::Info {
        device_id: "R1",
        port: "GigabitEthernet0/1",
        software: "Cisco IOS Software, C2900 Software (C2900-UNIVERSALK9-M), Version 15.7(3)M5\nTechnical Support: http://www.cisco.com/techsupport",
        platform: "cisco CISCO2911/K9",
        capabilities: 0x01 | 0x20, // router, IGMP
    };
    let router_at = ms(local(9, 2, 10), 480);
    let mut t = router_at;
    while t < until {
        tr.at(t, frames::cdp(router.mac, &router_info));
        t = t.plus_secs(60);
    }

    // 09:03 a wireless access point joins: LLDP as a WLAN AP every 30 s.
    let ap_info = lldp::Info {
        chassis: ap.mac,
        port: "eth0",
        ttl: 120,
        system_name: "TL-AP1202GI-PoE",
        system_description: "TP-LINK Wireless Access Point",
        management: None,
        capabilities: [BRIDGE | WLAN_AP, BRIDGE | WLAN_AP],
    };
    let ap_at = ms(local(9, 3, 40), 120);
    let mut t = ap_at;
    while t < until {
        tr.at(t, frames::lldp(ap.mac, &ap_info));
        t = t.plus_secs(30);
    }

    let assets = [
        Asset::of(&fs, "文件服务器 FS01", "fileserver"),
        Asset::of(&sw, "核心交换机 DIG-SW01", "switch"),
    ];
    let policy =
        policy_toml("The switch and the file server are registered.", "10.20.0.0/16", &assets);
    Scenario::new(
        "announced-router",
        "A router announces itself in CDP and an access point in LLDP; the registered layer-3 switch does too",
        "\
From 09:00 the registered switch DIG-SW01 sends LLDP saying bridging and routing are enabled (it routes
between the LAN's own VLANs) and spanning-tree BPDUs: registered, it stays silent. At 09:02 an unregistered
Cisco 2911 router, R1, sends CDP every minute with the router capability: device.unregistered and
route.router_present on R1 (its CDP capabilities). At 09:03 an unregistered TP-LINK access point sends LLDP
with the WLAN access point capability: device.unregistered; `gapwatch devices` shows it as a wireless access
point.

09:00 起已登记的交换机 DIG-SW01 发送 LLDP（宣告已启用桥接和路由：在本网各 VLAN 之间路由）和生成树 BPDU：已登记，
不告警。09:02 一台未登记的思科 2911 路由器 R1 每分钟发送带路由功能的 CDP：R1 上的 device.unregistered 和
route.router_present（依据其 CDP 功能）。09:03 一台未登记的 TP-LINK 无线接入点发送宣告无线接入点功能的 LLDP：
device.unregistered；`gapwatch devices` 显示其为无线接入点。
"
        .to_string(),
        Some(policy),
        SNAPLEN,
        tr.recs,
        vec![
            ExpectedAlert::unregistered(router.mac, router_at, router_at, 1),
            ExpectedAlert::router_present(router.mac, router_at, router_at, 1),
            ExpectedAlert::unregistered(ap.mac, ap_at, ap_at, 1),
        ],
    )
}
