//! The inventory: every device heard, whether the register knows it, and
//! the selected device's alerts.

use gapwatch_rules::Lang;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

use super::wrap::{fit, labeled};
use super::{Screen, human_bytes, kind_title, severity_label, severity_style};
use gapwatch_rules::classify::class_label;
use gapwatch_rules::policy::role_label;

use crate::app::App;
use crate::store::DeviceSort;

/// Draws the devices pane.
pub fn draw(frame: &mut Frame<'_>, app: &App, screen: &Screen, area: Rect) {
    let lang = app.lang;
    let [list, detail] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    let sort = match (app.device_sort, lang) {
        (DeviceSort::LastSeen, Lang::Zh) => "按最近出现",
        (DeviceSort::LastSeen, Lang::En) => "by last seen",
        (DeviceSort::Unregistered, Lang::Zh) => "未登记优先",
        (DeviceSort::Unregistered, Lang::En) => "unregistered first",
        (DeviceSort::Bytes, Lang::Zh) => "按流量",
        (DeviceSort::Bytes, Lang::En) => "by bytes",
        (DeviceSort::Mac, Lang::Zh) => "按 MAC",
        (DeviceSort::Mac, Lang::En) => "by MAC",
    };
    let search = if app.search.is_empty() {
        String::new()
    } else {
        format!(" · {} “{}”", lang.pick("搜索", "search"), app.search)
    };
    let title = match lang {
        Lang::Zh => format!(" 设备 {} 台 · {sort}{search} ", screen.devices.total),
        Lang::En => format!(" Devices: {} · {sort}{search} ", screen.devices.total),
    };
    let header = Row::new(match lang {
        Lang::Zh => ["登记", "MAC", "名称 / 厂商", "角色", "地址", "最近出现"],
        Lang::En => ["Reg.", "MAC", "Name / vendor", "Role", "Addresses", "Last seen"],
    })
    .style(Style::new().add_modifier(Modifier::BOLD));
    // What the name column gets once the fixed columns have theirs.
    let name_width = usize::from(list.width.saturating_sub(2 + 6 + 17 + 10 + 15 + 11 + 5));
    let rows = screen.devices.rows.iter().map(|d| {
        let registered = if d.registered {
            Cell::from(lang.pick("已登记", "yes"))
        } else {
            Cell::from(lang.pick("未登记", "NO")).style(severity_style(3))
        };
        let name = d.name.clone().or_else(|| d.vendor.clone()).unwrap_or_else(|| "?".into());
        // The first address, and how many more the detail pane lists.
        let mut addresses = d.addresses.split(", ");
        let first = addresses.next().unwrap_or_default().to_string();
        let more = addresses.count();
        let address = if more > 0 { format!("{first} +{more}") } else { first };
        Row::new([
            registered,
            Cell::from(d.mac.clone()),
            Cell::from(fit(&name, name_width)),
            Cell::from(
                d.role.as_deref().map(|r| role_label(r, lang)).unwrap_or_default().to_string(),
            ),
            Cell::from(address),
            Cell::from(screen.times.minute(d.last_seen)),
        ])
    });
    let mut state = TableState::default();
    if !screen.devices.rows.is_empty() {
        state.select(Some((app.device_selected - screen.devices_offset) as usize));
    }
    let table = Table::new(
        rows,
        [
            Constraint::Length(6),
            Constraint::Length(17),
            Constraint::Fill(1),
            Constraint::Length(10),
            Constraint::Length(15),
            Constraint::Length(11),
        ],
    )
    .header(header)
    .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
    .block(Block::new().borders(Borders::ALL).title(title));
    frame.render_stateful_widget(table, list, &mut state);

    let selected = screen.devices.rows.get((app.device_selected - screen.devices_offset) as usize);
    let mut lines = Vec::new();
    if let Some(d) = selected {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let width = usize::from(detail.width.saturating_sub(2));
        let none = || lang.pick("（无）", "(none)").to_string();
        let vendor = match &d.vendor {
            Some(v) => v.clone(),
            None if is_local_mac(&d.mac) => lang
                .pick(
                    "厂商未知（本地管理/随机 MAC）",
                    "vendor unknown (locally administered or random MAC)",
                )
                .into(),
            None => lang.pick("厂商未知", "vendor unknown").into(),
        };
        let role = d.role.as_deref().map(|r| role_label(r, lang).to_string());
        let fields = [
            (lang.pick("MAC：", "MAC: "), d.mac.clone()),
            (lang.pick("厂商：", "Vendor: "), vendor),
            (
                lang.pick("登记名称：", "Registered as: "),
                d.name.clone().unwrap_or_else(|| lang.pick("未登记", "not registered").into()),
            ),
            (lang.pick("角色：", "Role: "), role.unwrap_or_else(none)),
            (lang.pick("地址：", "Addresses: "), d.addresses.clone()),
            (
                lang.pick("出现：", "Seen: "),
                format!("{} — {}", screen.times.long(d.first_seen), screen.times.long(d.last_seen)),
            ),
            (lang.pick("流量：", "Traffic: "), human_bytes(d.bytes)),
            (lang.pick("主机名：", "Host names: "), hostnames(screen, lang)),
            (lang.pick("识别为：", "Looks like: "), looks_like(screen, lang)),
        ];
        for (k, v) in fields {
            lines.extend(labeled(k, &v, width, bold));
        }
        let heading = match lang {
            Lang::Zh => format!("告警（未处理 {}）：", d.open_alerts),
            Lang::En => format!("Alerts ({} open):", d.open_alerts),
        };
        lines.push(Line::from(Span::styled(heading, bold)));
        for a in &screen.device_alerts {
            let mark = if a.state == "open" { " " } else { "✓" };
            let label = format!("{mark}[{}] ", severity_label(a.rank, lang));
            let text = format!("#{} {} · {}", a.id, kind_title(&a.kind, lang), a.message);
            lines.extend(labeled(&label, &text, width, severity_style(a.rank)));
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(Block::new().borders(Borders::ALL).title(lang.pick(" 详情 ", " Detail "))),
        detail,
    );
}

/// The host names the selected device gave itself.
fn hostnames(screen: &Screen, lang: Lang) -> String {
    match screen.device_identity.as_ref().map(|i| &i.hostnames) {
        Some(names) if !names.is_empty() => names.join(", "),
        _ => lang.pick("（无）", "(none)").into(),
    }
}

/// What the selected device's clues say it is, how sure, and the strongest
/// reasons: `工作站 · Windows（90%，依据 …）`.
fn looks_like(screen: &Screen, lang: Lang) -> String {
    let Some(c) = screen.device_identity.as_ref().map(|i| &i.classification) else {
        return String::new();
    };
    let what: Vec<&str> =
        [c.class.map(|k| class_label(k, lang)), c.os].into_iter().flatten().collect();
    if what.is_empty() {
        return lang.pick("未知（线索不足）", "unknown (too few clues)").into();
    }
    let why: Vec<&str> = c.reasons.iter().take(3).map(|r| lang.pick(r.0, r.1)).collect();
    match lang {
        Lang::Zh => format!("{}（{}%，依据：{}）", what.join(" · "), c.confidence, why.join("；")),
        Lang::En => format!("{} ({}%, because {})", what.join(" · "), c.confidence, why.join("; ")),
    }
}

/// A MAC with the locally administered bit set (a virtual NIC, or a
/// phone's random Wi-Fi address): no vendor owns it.
fn is_local_mac(mac: &str) -> bool {
    mac.parse::<gapwatch_rules::MacAddr>().is_ok_and(|m| m.is_locally_administered())
}
