//! What a valid policy declares, as `gapwatch policy check` prints it for
//! the administrator to compare with the site: LAN, assets per role, export
//! stations, role rules and thresholds, in Chinese or English.

use std::fmt::Write as _;

use gapwatch_rules::Lang;
use gapwatch_rules::policy::{BUILTIN_ROLES, Policy, Role, WorkHours, role_label};
use jiff::civil::Weekday;

/// Listing more ports than this on one line would hide the rest of the
/// summary; the count is given instead of the tail.
const PORTS_SHOWN: usize = 20;

/// The summary of `policy`, one fact per line.
pub fn summary(policy: &Policy, lang: Lang) -> String {
    let mut out = String::new();
    let site = policy.site();
    let origin = policy.origin().unwrap_or("-");
    let none = lang.pick("（无）", "(none)");
    let _ = writeln!(
        out,
        "{}",
        pick(lang, format!("策略有效：{origin}"), format!("policy valid: {origin}"))
    );
    let name =
        if site.name.is_empty() { lang.pick("（未命名）", "(unnamed)") } else { &site.name };
    line(&mut out, lang, lang.pick("站点", "site"), name);
    line(&mut out, lang, lang.pick("时区", "time zone"), &site.timezone);
    let lan: Vec<String> = site.lan.iter().map(ToString::to_string).collect();
    line(&mut out, lang, lang.pick("局域网", "LAN"), &lan.join(", "));
    let domains =
        if site.local_domains.is_empty() { none.to_owned() } else { site.local_domains.join(", ") };
    line(&mut out, lang, lang.pick("本地域名", "local domains"), &domains);
    let hours = match &site.work_hours {
        Some(hours) => work_hours(hours, lang),
        None => lang
            .pick("未声明（不判断非工作时间）", "not declared (off-hours not judged)")
            .to_owned(),
    };
    line(&mut out, lang, lang.pick("工作时间", "work hours"), &hours);

    assets(&mut out, policy, lang);
    export_stations(&mut out, policy, lang);
    roles(&mut out, policy, lang);

    let t = policy.thresholds();
    let _ = writeln!(out, "{}", lang.pick("阈值：", "thresholds:"));
    let bulk = size(t.bulk_transfer_bytes);
    let bulk = pick(
        lang,
        format!("{bulk}（同一对主机一小时内）"),
        format!("{bulk} (one pair of hosts within one hour)"),
    );
    item(&mut out, lang, lang.pick("批量传输", "bulk transfer"), &bulk);
    item(
        &mut out,
        lang,
        lang.pick("每分钟新 MAC", "new MACs per minute"),
        &t.new_macs_per_minute.to_string(),
    );
    let silence =
        pick(lang, format!("{} 分钟", t.silence_minutes), format!("{} minutes", t.silence_minutes));
    item(&mut out, lang, lang.pick("静默告警", "silence"), &silence);
    item(&mut out, lang, lang.pick("设备表上限", "device table"), &t.max_devices.to_string());
    let warnings = policy.warnings().len();
    if warnings > 0 {
        let _ = writeln!(
            out,
            "{}",
            pick(
                lang,
                format!("警告：{warnings} 条（见标准错误输出）"),
                format!("warnings: {warnings} (on standard error)")
            )
        );
    }
    out
}

/// Assets counted per role, built-in roles first in their usual order.
fn assets(out: &mut String, policy: &Policy, lang: Lang) {
    let assets = policy.assets();
    let heading =
        pick(lang, format!("资产：{} 台", assets.len()), format!("assets: {}", assets.len()));
    let _ = writeln!(out, "{heading}");
    if assets.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            lang.pick(
                "（无登记资产：不检查未登记设备；可用 gapwatch policy import-assets 导入资产登记表）",
                "(no register: unregistered devices are not checked; import one with gapwatch policy import-assets)"
            )
        );
        return;
    }
    let mut order: Vec<&str> = BUILTIN_ROLES.to_vec();
    order.extend(policy.roles().keys().map(String::as_str).filter(|r| !BUILTIN_ROLES.contains(r)));
    for role in order {
        let count = assets.iter().filter(|a| a.role == role).count();
        if count > 0 {
            item(out, lang, &labelled_role(role, lang), &count.to_string());
        }
    }
}

/// Every asset of role `export`: where archive data may leave the LAN.
fn export_stations(out: &mut String, policy: &Policy, lang: Lang) {
    let _ = writeln!(out, "{}", lang.pick("导出工作站：", "export stations:"));
    let mut any = false;
    for asset in policy.assets().iter().filter(|a| a.role == "export") {
        any = true;
        let ip = asset.ip.map_or_else(
            || lang.pick("地址未固定", "address not pinned").to_owned(),
            |ip| ip.to_string(),
        );
        let _ = writeln!(out, "  {}  {}  {ip}", asset.name, asset.mac);
    }
    if !any {
        let _ = writeln!(out, "  {}", lang.pick("（无）", "(none)"));
    }
}

/// The `[roles]` tables with what each allows.
fn roles(out: &mut String, policy: &Policy, lang: Lang) {
    let _ = writeln!(out, "{}", lang.pick("角色规则 [roles]：", "role rules [roles]:"));
    if policy.roles().is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            lang.pick(
                "（无：不检查任何设备的服务端口）",
                "(none: no device's services are checked)"
            )
        );
        return;
    }
    for (name, role) in policy.roles() {
        let _ = writeln!(out, "  {}", labelled_role(name, lang));
        item_deep(
            out,
            lang,
            lang.pick("可提供服务的端口 may_serve", "may_serve"),
            &serves(role, lang),
        );
        let targets: Vec<String> =
            role.may_send_bulk_to.iter().map(|r| labelled_role(r, lang)).collect();
        let targets = if targets.is_empty() {
            lang.pick("无", "none").to_owned()
        } else {
            targets.join(lang.pick("、", ", "))
        };
        item_deep(
            out,
            lang,
            lang.pick("可批量发送至 may_send_bulk_to", "may_send_bulk_to"),
            &targets,
        );
    }
}

/// A role's ports, or why there are none.
fn serves(role: &Role, lang: Lang) -> String {
    match &role.may_serve {
        None => lang
            .pick("未声明（不检查此角色的服务）", "not declared (its services are not checked)")
            .to_owned(),
        Some(ports) if ports.is_empty() => lang
            .pick(
                "无（此角色的设备在任何端口应答都会告警）",
                "none (any service answered is an alert)",
            )
            .to_owned(),
        Some(ports) => {
            let mut shown: Vec<String> =
                ports.iter().take(PORTS_SHOWN).map(ToString::to_string).collect();
            if ports.len() > PORTS_SHOWN {
                shown.push(pick(
                    lang,
                    format!("…（共 {} 个）", ports.len()),
                    format!("… ({} in all)", ports.len()),
                ));
            }
            shown.join(", ")
        }
    }
}

/// `扫描仪（scanner）` in Chinese, `scanner` in English or for a site's own.
fn labelled_role(role: &str, lang: Lang) -> String {
    let label = role_label(role, lang);
    match lang {
        _ if label == role => role.to_owned(),
        Lang::Zh => format!("{label}（{role}）"),
        Lang::En => format!("{label} ({role})"),
    }
}

/// `周一至周五 08:30–17:30`, a night shift marked as ending the next day.
fn work_hours(hours: &WorkHours, lang: Lang) -> String {
    let days = day_ranges(&hours.days, lang);
    let start = hours.start.strftime("%H:%M");
    let end = hours.end.strftime("%H:%M");
    let next_day =
        if hours.end < hours.start { lang.pick("（次日）", " (next day)") } else { "" };
    format!("{days} {start}–{end}{next_day}")
}

/// Days as ranges: `Mon-Fri`, `Mon, Wed, Fri`, `周一至周五`.
fn day_ranges(days: &[Weekday], lang: Lang) -> String {
    let mut runs: Vec<(Weekday, Weekday)> = Vec::new();
    for &day in days {
        match runs.last_mut() {
            Some((_, last)) if last.next() == day => *last = day,
            _ => runs.push((day, day)),
        }
    }
    let parts: Vec<String> = runs
        .into_iter()
        .map(|(first, last)| match (first == last, first.next() == last) {
            (true, _) => day_name(first, lang).to_owned(),
            (false, true) => format!(
                "{}{}{}",
                day_name(first, lang),
                lang.pick("、", ", "),
                day_name(last, lang)
            ),
            (false, false) => {
                format!("{}{}{}", day_name(first, lang), lang.pick("至", "-"), day_name(last, lang))
            }
        })
        .collect();
    parts.join(lang.pick("、", ", "))
}

fn day_name(day: Weekday, lang: Lang) -> &'static str {
    let (zh, en) = match day {
        Weekday::Monday => ("周一", "Mon"),
        Weekday::Tuesday => ("周二", "Tue"),
        Weekday::Wednesday => ("周三", "Wed"),
        Weekday::Thursday => ("周四", "Thu"),
        Weekday::Friday => ("周五", "Fri"),
        Weekday::Saturday => ("周六", "Sat"),
        Weekday::Sunday => ("周日", "Sun"),
    };
    lang.pick(zh, en)
}

/// `200 MiB`, or the exact number of bytes when no binary unit divides it.
fn size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 4] =
        [(1 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (unit, name) in UNITS {
        if bytes >= unit && bytes.is_multiple_of(unit) {
            return format!("{} {name}", bytes / unit);
        }
    }
    format!("{bytes} B")
}

/// `label：value` (or `label: value`) on its own line.
fn line(out: &mut String, lang: Lang, label: &str, value: &str) {
    let _ = writeln!(out, "{label}{}{value}", separator(lang));
}

/// An indented `label: value`.
fn item(out: &mut String, lang: Lang, label: &str, value: &str) {
    let _ = writeln!(out, "  {label}{}{value}", separator(lang));
}

/// A doubly indented `label: value`.
fn item_deep(out: &mut String, lang: Lang, label: &str, value: &str) {
    let _ = writeln!(out, "    {label}{}{value}", separator(lang));
}

/// A full-width colon in Chinese, `: ` in English.
fn separator(lang: Lang) -> &'static str {
    lang.pick("：", ": ")
}

fn pick(lang: Lang, zh: String, en: String) -> String {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_read_as_ranges() {
        use Weekday::*;
        let all = [Monday, Tuesday, Wednesday, Thursday, Friday];
        assert_eq!(day_ranges(&all, Lang::En), "Mon-Fri");
        assert_eq!(day_ranges(&all, Lang::Zh), "周一至周五");
        assert_eq!(
            day_ranges(&[Monday, Wednesday, Thursday, Sunday], Lang::En),
            "Mon, Wed, Thu, Sun"
        );
    }

    #[test]
    fn sizes_use_the_largest_exact_unit() {
        assert_eq!(size(200 << 20), "200 MiB");
        assert_eq!(size(1 << 30), "1 GiB");
        assert_eq!(size(1_500_000), "1500000 B");
    }
}
