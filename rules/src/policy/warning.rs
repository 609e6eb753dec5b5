//! Warnings about `policy.toml`: things that are legal but almost surely
//! not what the administrator meant. The policy still loads; every warning
//! is shown (by `gapwatch policy check` and at the start of a replay), each
//! with the file, line and column it is about, in Chinese or English.

use std::fmt;

use crate::lang::Lang;

/// More ports than this in one role's `may_serve` and the role effectively
/// allows every service: `device.unexpected_service` would practically
/// never fire for its devices.
pub const MANY_PORTS: usize = 1000;

/// Something legal but suspicious in a policy file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyWarning {
    /// The file name (as given).
    pub origin: String,
    /// 1-based line of the value it is about.
    pub line: usize,
    /// 1-based column (in characters) of that value.
    pub column: usize,
    /// What is suspicious.
    pub kind: PolicyWarningKind,
}

/// What is suspicious about a policy file.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyWarningKind {
    /// `may_serve` lists port 0, which is no service port: nothing ever
    /// answers on it, and it does not mean "any port" (positioned at the 0).
    PortZero {
        /// The role.
        role: String,
    },
    /// `may_serve` lists more than [`MANY_PORTS`] ports, so the role allows
    /// practically every service (positioned at the list).
    ManyPorts {
        /// The role.
        role: String,
        /// How many different ports it lists.
        count: usize,
    },
    /// The same port twice in one `may_serve` (positioned at the second).
    DuplicatePort {
        /// The role.
        role: String,
        /// The port.
        port: u16,
        /// Line of its first mention.
        first_line: usize,
    },
    /// A role of the site's own (not built in) that no asset has and no
    /// role sends bulk to: probably a misspelling of the role meant, whose
    /// rules then silently do not apply (positioned at its table).
    UnusedRole {
        /// The role.
        role: String,
    },
}

impl PolicyWarning {
    /// The full message, `file:line:column: warning: what`, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let what = match lang {
            Lang::Zh => self.kind.zh(),
            Lang::En => self.kind.en(),
        };
        let label = lang.pick("警告", "warning");
        format!("{}:{}:{}: {label}: {what}", self.origin, self.line, self.column)
    }
}

impl fmt::Display for PolicyWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl PolicyWarningKind {
    /// The English description.
    fn en(&self) -> String {
        use PolicyWarningKind::*;
        match self {
            PortZero { role } => format!(
                "role {role:?} may serve port 0, which is no service port (nothing answers on it) and does not mean \"any port\": remove it; to leave the role's services unchecked, leave may_serve out"
            ),
            ManyPorts { role, count } => format!(
                "role {role:?} may serve {count} ports, so it allows practically every service and device.unexpected_service will never fire for its devices: list only the ports they serve, or leave may_serve out to say their services are not checked"
            ),
            DuplicatePort { role, port, first_line } => format!(
                "role {role:?} lists port {port} twice (first at line {first_line}): remove one; was another port meant?"
            ),
            UnusedRole { role } => format!(
                "role {role:?} is defined but no asset has it and no role sends bulk to it: check its spelling against the assets' roles, or remove it"
            ),
        }
    }

    /// The Chinese description.
    fn zh(&self) -> String {
        use PolicyWarningKind::*;
        match self {
            PortZero { role } => format!(
                "角色 {role:?} 的 may_serve 含端口 0：0 不是服务端口（没有服务在其上应答），也不表示“任意端口”：请删除；若不检查该角色的服务，请去掉 may_serve"
            ),
            ManyPorts { role, count } => format!(
                "角色 {role:?} 可在 {count} 个端口上提供服务，几乎放行一切服务，其设备永远不会触发 device.unexpected_service：请只列出其实际服务的端口，或去掉 may_serve 表示不检查其服务"
            ),
            DuplicatePort { role, port, first_line } => format!(
                "角色 {role:?} 两次列出端口 {port}（首次在第 {first_line} 行）：请删除一个；是否本应是另一个端口？"
            ),
            UnusedRole { role } => format!(
                "角色 {role:?} 已定义，但没有资产属于它，也没有角色向它批量发送：请核对它与资产角色的拼写，或删除它"
            ),
        }
    }
}
