//! Rendering listings as a table for people, or JSON / CSV for scripts.
//!
//! JSON field names are the stable English ones; table headers follow
//! `--lang`. Timestamps are RFC 3339 UTC everywhere.

use std::io::IsTerminal;

use comfy_table::{ContentArrangement, Table, presets};
use gapwatch_rules::classify::class_label;
use gapwatch_rules::{Alert, Lang, Timestamp};
use gapwatch_sensor::record::audit::Action;
use gapwatch_sensor::record::query::{ClueInfo, DeviceInfo, FlowInfo, Stats};
use serde::Serialize;

use crate::cli::Format;

fn table(headers: Vec<&str>) -> Table {
    let mut t = Table::new();
    // On a terminal, columns wrap to its width; into a pipe, lines stay whole.
    let arrangement = if std::io::stdout().is_terminal() {
        ContentArrangement::Dynamic
    } else {
        ContentArrangement::Disabled
    };
    t.load_preset(presets::UTF8_FULL_CONDENSED).set_content_arrangement(arrangement);
    t.set_header(headers);
    t
}

fn json<T: Serialize>(rows: &T) -> String {
    let mut s =
        serde_json::to_string_pretty(rows).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

fn csv(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(header);
    for row in rows {
        let _ = w.write_record(&row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn yes_no(b: bool, lang: Lang) -> &'static str {
    if b { lang.pick("是", "yes") } else { lang.pick("否", "no") }
}

fn or_dash(s: &Option<String>) -> String {
    s.clone().unwrap_or_else(|| "-".into())
}

/// The device inventory.
pub fn devices(rows: &[DeviceInfo], format: Format, lang: Lang) -> String {
    match format {
        Format::Json => json(&rows),
        Format::Csv => csv(
            &[
                "mac",
                "vendor",
                "registered",
                "name",
                "role",
                "ipv4",
                "ipv6",
                "first_seen",
                "last_seen",
                "packets_sent",
                "packets_received",
                "bytes_sent",
                "bytes_received",
                "locally_administered",
                "multicast",
                "hostnames",
                "os",
                "class",
                "confidence",
            ],
            rows.iter().map(|d| {
                vec![
                    d.mac.clone(),
                    d.vendor.clone().unwrap_or_default(),
                    d.registered.to_string(),
                    d.name.clone().unwrap_or_default(),
                    d.role.clone().unwrap_or_default(),
                    d.ipv4.join(";"),
                    d.ipv6.join(";"),
                    d.first_seen.clone(),
                    d.last_seen.clone(),
                    d.packets_sent.to_string(),
                    d.packets_received.to_string(),
                    d.bytes_sent.to_string(),
                    d.bytes_received.to_string(),
                    d.locally_administered.to_string(),
                    d.multicast.to_string(),
                    d.hostnames.join(";"),
                    d.os.clone().unwrap_or_default(),
                    d.class.clone().unwrap_or_default(),
                    d.confidence.to_string(),
                ]
            }),
        ),
        Format::Table => {
            let mut t = table(match lang {
                Lang::Zh => vec![
                    "MAC",
                    "厂商",
                    "已登记",
                    "名称",
                    "角色",
                    "主机名",
                    "类型",
                    "地址",
                    "首次出现",
                    "最近出现",
                    "发送包",
                    "发送字节",
                ],
                Lang::En => vec![
                    "MAC",
                    "vendor",
                    "registered",
                    "name",
                    "role",
                    "host name",
                    "kind",
                    "addresses",
                    "first seen",
                    "last seen",
                    "pkts sent",
                    "bytes sent",
                ],
            });
            for d in rows {
                let mut addrs: Vec<&str> =
                    d.ipv4.iter().chain(&d.ipv6).map(String::as_str).collect();
                if addrs.len() > 3 {
                    addrs.truncate(3);
                    addrs.push("…");
                }
                let mut mac = d.mac.clone();
                if d.locally_administered {
                    mac.push_str(lang.pick(" (本地管理/随机)", " (local/random)"));
                }
                t.add_row(vec![
                    mac,
                    d.vendor.clone().unwrap_or_else(|| "-".into()),
                    yes_no(d.registered, lang).to_string(),
                    or_dash(&d.name),
                    or_dash(&d.role),
                    d.hostnames.first().cloned().unwrap_or_else(|| "-".into()),
                    kind_text(d, lang),
                    addrs.join(" "),
                    d.first_seen.clone(),
                    d.last_seen.clone(),
                    d.packets_sent.to_string(),
                    d.bytes_sent.to_string(),
                ]);
            }
            format!("{t}\n")
        }
    }
}

/// What a device is, as a table shows it: `Windows 工作站 (90%)`.
fn kind_text(d: &DeviceInfo, lang: Lang) -> String {
    let class = d.class.as_deref().map(|c| class_label(c, lang));
    let what: Vec<&str> = d.os.as_deref().into_iter().chain(class).collect();
    if what.is_empty() {
        return "-".into();
    }
    format!("{} ({}%)", what.join(" "), d.confidence)
}

/// One device and every clue it gave.
pub fn device(d: &DeviceInfo, clues: &[ClueInfo], format: Format, lang: Lang) -> String {
    match format {
        Format::Json => {
            let mut value = serde_json::to_value(d).unwrap_or_default();
            if let Some(object) = value.as_object_mut() {
                object.insert("clues".into(), serde_json::to_value(clues).unwrap_or_default());
            }
            json(&value)
        }
        Format::Csv => csv(
            &["kind", "value", "first_seen", "last_seen"],
            clues.iter().map(|c| {
                vec![c.kind.clone(), c.value.clone(), c.first_seen.clone(), c.last_seen.clone()]
            }),
        ),
        Format::Table => {
            let mut out = devices(std::slice::from_ref(d), Format::Table, lang);
            let reasons = match lang {
                Lang::Zh => &d.classified_by_zh,
                Lang::En => &d.classified_by,
            };
            for why in reasons {
                out.push_str(&format!("{}{why}\n", lang.pick("依据：", "because: ")));
            }
            if clues.is_empty() {
                out.push_str(
                    lang.pick("（该设备没有自报信息）\n", "(no clues from this device)\n"),
                );
                return out;
            }
            let mut t = table(match lang {
                Lang::Zh => vec!["线索", "值", "首次", "最近"],
                Lang::En => vec!["clue", "value", "first seen", "last seen"],
            });
            for c in clues {
                t.add_row(vec![
                    c.kind.clone(),
                    c.value.clone(),
                    c.first_seen.clone(),
                    c.last_seen.clone(),
                ]);
            }
            out.push_str(&format!("{t}\n"));
            out
        }
    }
}

/// `10.20.0.10:445`, `[fe80::1]:547`, or the address alone without a port.
fn service(ip: &str, port: u16) -> String {
    match (port, ip.contains(':')) {
        (0, _) => ip.to_string(),
        (_, true) => format!("[{ip}]:{port}"),
        (_, false) => format!("{ip}:{port}"),
    }
}

/// The largest hourly flow records.
pub fn flows(rows: &[FlowInfo], format: Format, lang: Lang) -> String {
    match format {
        Format::Json => json(&rows),
        Format::Csv => csv(
            &[
                "proto",
                "orig_mac",
                "orig_ip",
                "resp_mac",
                "resp_ip",
                "resp_port",
                "hour",
                "connections",
                "first_seen",
                "last_seen",
                "orig_packets",
                "orig_bytes",
                "resp_packets",
                "resp_bytes",
                "tcp_flags",
            ],
            rows.iter().map(|f| {
                vec![
                    f.proto.clone(),
                    f.orig_mac.clone().unwrap_or_default(),
                    f.orig_ip.clone(),
                    f.resp_mac.clone().unwrap_or_default(),
                    f.resp_ip.clone(),
                    f.resp_port.to_string(),
                    f.hour.clone(),
                    f.connections.to_string(),
                    f.first_seen.clone(),
                    f.last_seen.clone(),
                    f.orig_packets.to_string(),
                    f.orig_bytes.to_string(),
                    f.resp_packets.to_string(),
                    f.resp_bytes.to_string(),
                    f.tcp_flags.clone(),
                ]
            }),
        ),
        Format::Table => {
            let mut t = table(match lang {
                Lang::Zh => vec![
                    "协议",
                    "发起方",
                    "服务",
                    "小时",
                    "连接数",
                    "去向字节",
                    "回程字节",
                    "TCP 标志",
                ],
                Lang::En => vec![
                    "proto",
                    "initiator",
                    "service",
                    "hour",
                    "connections",
                    "bytes out",
                    "bytes back",
                    "TCP flags",
                ],
            });
            for f in rows {
                t.add_row(vec![
                    f.proto.clone(),
                    f.orig_ip.clone(),
                    service(&f.resp_ip, f.resp_port),
                    f.hour.clone(),
                    f.connections.to_string(),
                    f.orig_bytes.to_string(),
                    f.resp_bytes.to_string(),
                    f.tcp_flags.clone(),
                ]);
            }
            format!("{t}\n")
        }
    }
}

/// The alerts.
pub fn alerts(rows: &[Alert], format: Format, lang: Lang) -> String {
    match format {
        Format::Json => json(&rows),
        Format::Csv => csv(
            &[
                "id",
                "kind",
                "severity",
                "clause",
                "subject_mac",
                "subject_ip",
                "first_seen",
                "last_seen",
                "count",
                "message_zh",
                "message_en",
                "evidence",
            ],
            rows.iter().map(|a| {
                vec![
                    a.id.to_string(),
                    a.kind.clone(),
                    a.severity.to_string(),
                    a.clause.clone(),
                    a.subject.mac.map(|m| m.to_string()).unwrap_or_default(),
                    a.subject.ip.map(|i| i.to_string()).unwrap_or_default(),
                    a.first_seen.clone(),
                    a.last_seen.clone(),
                    a.count.to_string(),
                    a.message_zh.clone(),
                    a.message_en.clone(),
                    serde_json::Value::Object(a.evidence.clone()).to_string(),
                ]
            }),
        ),
        Format::Table => {
            if rows.is_empty() {
                return format!("{}\n", lang.pick("没有告警。", "No alerts."));
            }
            let mut t = table(match lang {
                Lang::Zh => vec!["#", "严重度", "类型", "条款", "首次", "最近", "次数", "说明"],
                Lang::En => {
                    vec!["#", "severity", "kind", "clause", "first", "last", "count", "message"]
                }
            });
            for a in rows {
                t.add_row(vec![
                    a.id.to_string(),
                    a.severity.label(lang).to_string(),
                    a.kind.clone(),
                    a.clause.clone(),
                    a.first_seen.clone(),
                    a.last_seen.clone(),
                    a.count.to_string(),
                    a.message(lang).to_string(),
                ]);
            }
            format!("{t}\n")
        }
    }
}

/// The totals.
pub fn stats(s: &Stats, format: Format, lang: Lang) -> String {
    match format {
        Format::Json => json(s),
        Format::Csv => csv(
            &["key", "value"],
            [
                ("runs", s.runs.to_string()),
                ("captures", s.captures.len().to_string()),
                ("packets", s.packets.to_string()),
                ("bytes", s.bytes.to_string()),
                ("first_seen", s.first_seen.clone().unwrap_or_default()),
                ("last_seen", s.last_seen.clone().unwrap_or_default()),
                ("devices", s.devices.to_string()),
                ("flows", s.flows.to_string()),
                ("alerts", s.alerts.to_string()),
            ]
            .into_iter()
            .chain(s.decode_errors.iter().map(|(r, n)| (r.as_str(), n.to_string())))
            .map(|(k, v)| vec![k.to_string(), v]),
        ),
        Format::Table => {
            let mut t = table(vec![lang.pick("项目", "item"), lang.pick("数值", "value")]);
            let rows = [
                (lang.pick("回放次数", "runs"), s.runs.to_string()),
                (lang.pick("抓包文件", "captures"), s.captures.len().to_string()),
                (lang.pick("数据包", "packets"), s.packets.to_string()),
                (lang.pick("字节", "bytes"), s.bytes.to_string()),
                (
                    lang.pick("最早", "first seen"),
                    s.first_seen.clone().unwrap_or_else(|| "-".into()),
                ),
                (lang.pick("最晚", "last seen"), s.last_seen.clone().unwrap_or_else(|| "-".into())),
                (lang.pick("设备", "devices"), s.devices.to_string()),
                (lang.pick("流", "flows"), s.flows.to_string()),
                (lang.pick("告警", "alerts"), s.alerts.to_string()),
            ];
            for (k, v) in rows {
                t.add_row(vec![k.to_string(), v]);
            }
            for (reason, n) in &s.decode_errors {
                t.add_row(vec![
                    format!("{}: {reason}", lang.pick("解码错误", "decode errors")),
                    n.to_string(),
                ]);
            }
            for c in &s.captures {
                let status =
                    c.error.clone().unwrap_or_else(|| lang.pick("完整", "complete").to_string());
                t.add_row(vec![c.path.clone(), format!("{} ({status})", c.packets)]);
            }
            format!("{t}\n")
        }
    }
}

/// The action log.
pub fn actions(rows: &[Action], format: Format, lang: Lang) -> String {
    let at = |a: &Action| Timestamp::from_nanos(a.at).rfc3339();
    match format {
        Format::Json => json(
            &rows
                .iter()
                .map(|a| {
                    serde_json::json!({
                        "id": a.id, "at": at(a), "actor": a.actor, "role": a.role,
                        "action": a.action, "target": a.target, "note": a.note,
                        "prev_hash": a.prev_hash, "hash": a.hash,
                    })
                })
                .collect::<Vec<_>>(),
        ),
        Format::Csv => csv(
            &["id", "at", "actor", "role", "action", "target", "note", "prev_hash", "hash"],
            rows.iter().map(|a| {
                vec![
                    a.id.to_string(),
                    at(a),
                    a.actor.clone(),
                    a.role.clone(),
                    a.action.clone(),
                    a.target.clone(),
                    a.note.clone(),
                    a.prev_hash.clone(),
                    a.hash.clone(),
                ]
            }),
        ),
        Format::Table => {
            let mut t = table(match lang {
                Lang::Zh => {
                    vec!["序号", "时间 (UTC)", "操作人", "角色", "操作", "对象", "说明", "哈希"]
                }
                Lang::En => {
                    vec!["id", "at (UTC)", "actor", "role", "action", "target", "note", "hash"]
                }
            });
            for a in rows {
                t.add_row(vec![
                    a.id.to_string(),
                    at(a),
                    a.actor.clone(),
                    a.role.clone(),
                    a.action.clone(),
                    a.target.clone(),
                    a.note.clone(),
                    a.hash.chars().take(12).collect(),
                ]);
            }
            format!("{t}\n")
        }
    }
}
