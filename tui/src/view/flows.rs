//! Who moved how much in one hour: the top talkers, then the busiest
//! initiator–service pairs, export stations marked.

use gapwatch_rules::Lang;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, Borders, Cell, Row, Table};

use super::wrap::fit;
use super::{Screen, human_bytes};
use crate::app::App;

/// Rows of talkers above the pairs.
const TALKER_ROWS: u16 = 5;

/// How many talkers and pairs a terminal of `size` shows.
pub fn rows(size: Rect) -> (u64, u64) {
    let body = size.height.saturating_sub(2);
    let pairs = body.saturating_sub(TALKER_ROWS + 3 + 3);
    (u64::from(TALKER_ROWS), u64::from(pairs.max(1)))
}

/// Draws the flows pane.
pub fn draw(frame: &mut Frame<'_>, app: &App, screen: &Screen, area: Rect) {
    let lang = app.lang;
    let [talkers, area] =
        Layout::vertical([Constraint::Length(TALKER_ROWS + 3), Constraint::Min(0)]).areas(area);
    draw_talkers(frame, lang, screen, talkers);
    let title = match (screen.flow_hour, lang) {
        (None, Lang::Zh) => " 流量：尚无记录 ".to_string(),
        (None, Lang::En) => " Flows: none recorded yet ".to_string(),
        (Some(h), Lang::Zh) => format!(
            " 流量 {} 起一小时（第 {}/{} 小时，← 更早 → 更晚）· ★ 导出工作站 ",
            screen.times.long(h),
            screen.flow_hours - app.flow_hour,
            screen.flow_hours
        ),
        (Some(h), Lang::En) => format!(
            " Flows in the hour from {} ({}/{}, ← earlier → later) · ★ export station ",
            screen.times.long(h),
            screen.flow_hours - app.flow_hour,
            screen.flow_hours
        ),
    };
    let header = Row::new(match lang {
        Lang::Zh => ["", "协议", "发起方", "服务", "连接", "字节"],
        Lang::En => ["", "Proto", "Initiator", "Service", "Conns", "Bytes"],
    })
    .style(Style::new().add_modifier(Modifier::BOLD));
    // The address first, the name after: a narrow column cuts the name,
    // never the address.
    let named = |ip: &str, name: &Option<String>| match name {
        Some(n) => format!("{ip} {n}"),
        None => ip.to_string(),
    };
    let service = |ip: &str, port: u16| match (port, ip.contains(':')) {
        (0, _) => ip.to_string(),
        (_, true) => format!("[{ip}]:{port}"),
        (_, false) => format!("{ip}:{port}"),
    };
    // The two address columns share what the fixed ones leave.
    let side = usize::from(area.width.saturating_sub(2 + 1 + 6 + 5 + 9 + 5) / 2);
    let rows = screen.flows.iter().map(|f| {
        let style = if f.export { Style::new().add_modifier(Modifier::BOLD) } else { Style::new() };
        Row::new([
            Cell::from(if f.export { "★" } else { "" }),
            Cell::from(f.proto.clone()),
            Cell::from(fit(&named(&f.orig_ip, &f.names.0), side)),
            Cell::from(fit(&named(&service(&f.resp_ip, f.resp_port), &f.names.1), side)),
            Cell::from(f.connections.to_string()),
            Cell::from(human_bytes(f.bytes)),
        ])
        .style(style)
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(1),
                Constraint::Length(6),
                Constraint::Fill(1),
                Constraint::Fill(1),
                Constraint::Length(5),
                Constraint::Length(9),
            ],
        )
        .header(header)
        .block(Block::new().borders(Borders::ALL).title(title)),
        area,
    );
}

fn draw_talkers(frame: &mut Frame<'_>, lang: Lang, screen: &Screen, area: Rect) {
    let header = Row::new(match lang {
        Lang::Zh => ["", "地址", "名称", "字节（收发合计）"],
        Lang::En => ["", "Address", "Name", "Bytes (both ways)"],
    })
    .style(Style::new().add_modifier(Modifier::BOLD));
    let rows = screen.talkers.iter().map(|t| {
        let style = if t.export { Style::new().add_modifier(Modifier::BOLD) } else { Style::new() };
        Row::new([
            Cell::from(if t.export { "★" } else { "" }),
            Cell::from(t.ip.clone()),
            Cell::from(t.name.clone().unwrap_or_default()),
            Cell::from(human_bytes(t.bytes)),
        ])
        .style(style)
    });
    let title = lang.pick(" 本小时流量最大的设备 ", " Top talkers of the hour ");
    // As wide as the widest address shown (an address is never cut).
    let widest = screen.talkers.iter().map(|t| t.ip.len()).max().unwrap_or(0);
    let address_width = widest.clamp(15, 39) as u16;
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(1),
                Constraint::Length(address_width),
                Constraint::Fill(1),
                Constraint::Length(16),
            ],
        )
        .header(header)
        .block(Block::new().borders(Borders::ALL).title(title)),
        area,
    );
}
