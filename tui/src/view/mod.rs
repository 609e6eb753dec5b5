//! Drawing: what is fetched for a frame ([`Screen`]) and how each pane
//! lays it out. Every severity is written as a word as well as a colour,
//! and selection is reverse video, so a monochrome terminal loses nothing.

mod alerts;
mod devices;
mod flows;
mod overview;
mod wrap;

use gapwatch_rules::{Lang, Severity, Timestamp};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Tabs};

use crate::app::{App, Mode, Tab};
use crate::store::{
    AlertDetail, AlertLine, DeviceLine, FlowLine, Overview, Page, Store, TalkerLine,
};

/// The smallest terminal the dashboard lays out in.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// What one frame shows, fetched before drawing.
#[derive(Default)]
pub struct Screen {
    /// The overview (always: the header shows its verdict).
    pub overview: Overview,
    /// The alert list page and the selected alert.
    pub alerts: Page<AlertLine>,
    /// Offset of `alerts` in the filtered list.
    pub alerts_offset: u64,
    /// The selected alert in full.
    pub alert: Option<AlertDetail>,
    /// The device list page.
    pub devices: Page<DeviceLine>,
    /// Offset of `devices`.
    pub devices_offset: u64,
    /// The selected device's latest alerts.
    pub device_alerts: Vec<AlertLine>,
    /// What the selected device is, as its clues say.
    pub device_identity: Option<gapwatch_sensor::record::query::Identity>,
    /// Flows of the hour shown, and that hour.
    pub flows: Vec<FlowLine>,
    /// The addresses that moved the most in that hour.
    pub talkers: Vec<TalkerLine>,
    /// The hour the flow pane shows.
    pub flow_hour: Option<Timestamp>,
    /// Hours with flows, in all.
    pub flow_hours: usize,
    /// Time texts in the site's zone, made by the store.
    pub times: Times,
}

/// Time formatting in the site's zone, taken from the store.
#[derive(Default)]
pub struct Times {
    zone: Option<jiff::tz::TimeZone>,
}

impl Times {
    fn format(&self, t: Timestamp, pattern: &str) -> String {
        let zone = self.zone.clone().unwrap_or(jiff::tz::TimeZone::UTC);
        match jiff::Timestamp::from_nanosecond(i128::from(t.as_nanos())) {
            Ok(at) => at.to_zoned_datetime(zone).strftime(pattern).to_string(),
            Err(_) => "?".into(),
        }
    }

    /// `MM-DD HH:MM:SS`.
    pub fn short(&self, t: Timestamp) -> String {
        self.format(t, "%m-%d %H:%M:%S")
    }

    /// `MM-DD HH:MM`, for table columns.
    pub fn minute(&self, t: Timestamp) -> String {
        self.format(t, "%m-%d %H:%M")
    }

    /// `YYYY-MM-DD HH:MM:SS ZONE`.
    pub fn long(&self, t: Timestamp) -> String {
        self.format(t, "%Y-%m-%d %H:%M:%S %Z")
    }
}

/// Rows a list pane has room for in a terminal `height` rows high: the
/// top half of the body, less the table's border and header.
pub fn list_rows(height: u16) -> u64 {
    let body = height.saturating_sub(2);
    u64::from((body / 2).saturating_sub(3).max(1))
}

/// Fetches what `app` shows in a terminal of `size`; tells `app` how many
/// rows the current list has and which alert is selected.
pub fn fetch(store: &Store, app: &mut App, size: Rect) -> rusqlite::Result<Screen> {
    let mut s = Screen {
        // The header's verdict needs little; the overview pane all of it.
        overview: if app.tab == Tab::Overview { store.overview()? } else { store.status()? },
        times: Times { zone: Some(store.zone().clone()) },
        ..Screen::default()
    };
    let page = list_rows(size.height);
    match app.tab {
        Tab::Overview => {}
        Tab::Alerts => {
            if let Some(id) = app.alert_anchor
                && let Some(at) = store.alert_position(&app.alert_filter, id)?
            {
                app.alert_selected = at;
            }
            let (filter, lang) = (&app.alert_filter, app.lang);
            (s.alerts, s.alerts_offset) = paged(&mut app.alert_selected, page, |offset| {
                store.alerts(filter, lang, offset, page)
            })?;
            app.rows = s.alerts.total;
            let picked = s.alerts.rows.get((app.alert_selected - s.alerts_offset) as usize);
            app.selected_alert_id = picked.filter(|a| a.state == "open").map(|a| a.id);
            app.alert_anchor = picked.map(|a| a.id);
            s.alert = match picked {
                Some(a) => store.alert(a.id, app.lang)?,
                None => None,
            };
        }
        Tab::Devices => {
            let (search, sort) = (&app.search, app.device_sort);
            (s.devices, s.devices_offset) = paged(&mut app.device_selected, page, |offset| {
                store.devices(search, sort, offset, page)
            })?;
            app.rows = s.devices.total;
            if let Some(d) = s.devices.rows.get((app.device_selected - s.devices_offset) as usize) {
                s.device_alerts = store.device_alerts(&d.mac, app.lang, 20)?;
                s.device_identity = Some(store.identity(&d.mac, d.vendor.as_deref())?);
            }
        }
        Tab::Flows => {
            let hours = store.flow_hours()?;
            app.flow_hour = app.flow_hour.min(hours.len().saturating_sub(1));
            s.flow_hours = hours.len();
            s.flow_hour = hours.get(app.flow_hour).copied();
            if let Some(hour) = s.flow_hour {
                let (talkers, pairs) = flows::rows(size);
                s.talkers = store.talkers(hour, talkers)?;
                s.flows = store.flows(hour, pairs)?;
            }
        }
    }
    Ok(s)
}

/// The page of `page` rows holding row `selected`, and its offset. If the
/// list shrank under the selection (an alert was acknowledged, a search
/// narrowed), the selection moves to the last row.
fn paged<T>(
    selected: &mut u64,
    page: u64,
    fetch: impl Fn(u64) -> rusqlite::Result<Page<T>>,
) -> rusqlite::Result<(Page<T>, u64)> {
    let mut offset = *selected - *selected % page;
    let mut rows = fetch(offset)?;
    if rows.rows.is_empty() && rows.total > 0 {
        *selected = rows.total - 1;
        offset = *selected - *selected % page;
        rows = fetch(offset)?;
    }
    Ok((rows, offset))
}

/// Draws `screen` as `app` says.
pub fn draw(frame: &mut Frame<'_>, app: &App, screen: &Screen) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        too_small(frame, app.lang, area);
        return;
    }
    let [header, body, footer] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)])
            .areas(area);
    draw_header(frame, app, screen, header);
    match app.tab {
        Tab::Overview => overview::draw(frame, app, screen, body),
        Tab::Alerts => alerts::draw(frame, app, screen, body),
        Tab::Devices => devices::draw(frame, app, screen, body),
        Tab::Flows => flows::draw(frame, app, screen, body),
    }
    draw_footer(frame, app, footer);
    if app.mode == Mode::Help {
        draw_help(frame, app.lang, body);
    }
}

fn too_small(frame: &mut Frame<'_>, lang: Lang, area: Rect) {
    let text = match lang {
        Lang::Zh => format!(
            "终端太小：至少需要 {}×{}，当前 {}×{}。请放大窗口，按 q 退出。",
            MIN_SIZE.0, MIN_SIZE.1, area.width, area.height
        ),
        Lang::En => format!(
            "Terminal too small: needs at least {}×{}, this one is {}×{}. Enlarge it, or press q to quit.",
            MIN_SIZE.0, MIN_SIZE.1, area.width, area.height
        ),
    };
    let lines: Vec<Line<'_>> =
        wrap::wrap(&text, usize::from(area.width)).into_iter().map(Line::from).collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn draw_header(frame: &mut Frame<'_>, app: &App, screen: &Screen, area: Rect) {
    let lang = app.lang;
    let titles = Tab::ALL.iter().enumerate().map(|(i, t)| format!("{} {}", i + 1, t.title(lang)));
    let selected = Tab::ALL.iter().position(|&t| t == app.tab).unwrap_or(0);
    let (verdict, style) = overview::verdict_text(&screen.overview, lang);
    let [tabs, right] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(24)]).areas(area);
    frame.render_widget(
        Tabs::new(titles)
            .select(selected)
            .highlight_style(Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD))
            .divider("│"),
        tabs,
    );
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(verdict, style))).right_aligned(),
        right,
    );
}

fn draw_footer(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let lang = app.lang;
    let text: String = match &app.mode {
        Mode::Ack { note, .. } => format!(
            "{} {note}▏ {}",
            lang.pick("确认说明：", "Note:"),
            lang.pick("(Enter 提交, Esc 取消)", "(Enter submits, Esc cancels)")
        ),
        Mode::Search => format!(
            "{} {}▏ {}",
            lang.pick("搜索：", "Search:"),
            app.search,
            lang.pick("(Enter 完成)", "(Enter done)")
        ),
        _ if app.status.is_some() => app.status.clone().unwrap_or_default(),
        _ => {
            let tab_keys = match app.tab {
                Tab::Overview => "",
                Tab::Alerts => lang.pick(
                    "↑↓ 选择  a 确认  f 状态  v 级别  t 类型  ",
                    "↑↓ select  a acknowledge  f state  v severity  t kind  ",
                ),
                Tab::Devices => lang.pick(
                    "↑↓ 选择  / 搜索  c 清除  s 排序  ",
                    "↑↓ select  / search  c clear  s sort  ",
                ),
                Tab::Flows => lang.pick("←→ 换小时  ", "←→ hour  "),
            };
            format!(
                "{tab_keys}{}",
                lang.pick("Tab/1-4 切换  ? 帮助  q 退出", "Tab/1-4 panes  ? help  q quit")
            )
        }
    };
    frame.render_widget(Paragraph::new(text).style(Style::new().add_modifier(Modifier::DIM)), area);
}

fn draw_help(frame: &mut Frame<'_>, lang: Lang, body: Rect) {
    let lines: &[(&str, &str)] = match lang {
        Lang::Zh => &[
            ("1-4, Tab", "切换：概览 告警 设备 流量"),
            ("↑↓ j k, PgUp PgDn, g G", "在列表中移动"),
            ("a", "确认所选告警（须填写说明，记入审计日志）"),
            ("f / v / t", "告警筛选：状态（未处理/已确认/全部）/ 最低级别 / 类型"),
            ("/  c  s", "设备：搜索（MAC、地址、名称、厂商、角色）/ 清除 / 排序"),
            ("← →", "流量：前一小时 / 后一小时"),
            ("q, Ctrl-C", "退出（Esc 只关闭输入框）"),
        ],
        Lang::En => &[
            ("1-4, Tab", "panes: overview alerts devices flows"),
            ("↑↓ j k, PgUp PgDn, g G", "move in a list"),
            ("a", "acknowledge the selected alert (a note is required; logged)"),
            ("f / v / t", "alert filters: state (open/acknowledged/all) / min severity / kind"),
            ("/  c  s", "devices: search (MAC, address, name, vendor, role) / clear / sort"),
            ("← →", "flows: earlier hour / later hour"),
            ("q, Ctrl-C", "quit (Esc only closes a prompt)"),
        ],
    };
    let width = body.width.min(96);
    let inner = usize::from(width.saturating_sub(2));
    let text: Vec<Line<'_>> = lines
        .iter()
        .flat_map(|(k, v)| wrap::labeled(&format!("{k:<24}"), v, inner, Style::new().bold()))
        .collect();
    let area = centered(body, width, text.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(text).block(
            Block::new()
                .borders(Borders::ALL)
                .title(lang.pick(" 帮助（任意键关闭） ", " Help (any key closes) ")),
        ),
        area,
    );
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// The severity of rank `rank` as a word in `lang`.
pub fn severity_label(rank: u8, lang: Lang) -> &'static str {
    Severity::ALL[usize::from(rank.min(4))].label(lang)
}

/// The colour of a severity; the word is always shown beside it.
pub fn severity_style(rank: u8) -> Style {
    match rank {
        4 => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        3 => Style::new().fg(Color::Red),
        2 => Style::new().fg(Color::Yellow),
        1 => Style::new().fg(Color::Cyan),
        _ => Style::new(),
    }
}

/// `bytes` in B, KiB, MiB, GiB or TiB, three significant figures.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    match unit {
        0 => format!("{bytes} B"),
        _ if value >= 100.0 => format!("{value:.0} {}", UNITS[unit]),
        _ if value >= 10.0 => format!("{value:.1} {}", UNITS[unit]),
        _ => format!("{value:.2} {}", UNITS[unit]),
    }
}

/// The title of alert kind `id` in `lang` (the id itself if unknown).
pub fn kind_title(id: &str, lang: Lang) -> String {
    kind_info(id).map_or_else(|| id.to_string(), |k| k.title(lang).to_string())
}

/// The catalog entry of alert kind `id`, if this build knows it.
pub fn kind_info(id: &str) -> Option<&'static gapwatch_rules::detect::KindInfo> {
    id.parse::<gapwatch_rules::AlertKind>().ok().map(gapwatch_rules::detect::info)
}

/// A subject as `MAC IP` from what is known.
pub fn subject_text(mac: Option<&str>, ip: Option<&str>) -> String {
    match (mac, ip) {
        (Some(m), Some(i)) => format!("{m} {i}"),
        (Some(m), None) => m.to_string(),
        (None, Some(i)) => i.to_string(),
        (None, None) => "-".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_read_like_people_write_them() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1536), "1.50 KiB");
        assert_eq!(human_bytes(200 << 20), "200 MiB");
        assert_eq!(human_bytes(u64::MAX), "16777216 TiB");
    }

    #[test]
    fn list_fits_in_the_smallest_terminal() {
        // 80x24: header, footer, half of 22 rows = 11, less border and header.
        assert_eq!(list_rows(24), 8);
        assert_eq!(list_rows(3), 1);
    }

    #[test]
    fn severities_have_words() {
        use crate::store::SEVERITIES;
        assert_eq!(SEVERITIES.len(), 5);
        assert_eq!(severity_label(3, Lang::Zh), "高");
        assert_eq!(severity_label(9, Lang::En), "critical");
    }
}
