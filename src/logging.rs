//! Logging to stderr. `RUST_LOG` sets the level of meldpunt's own messages only:
//! other crates are held at `warn`, because at debug and trace levels HTTP and
//! database libraries may print request headers or statements, and nothing a
//! reporter sends may reach a log. Reporter actions are not logged at all: a log
//! line's timestamp would record to the second what the database keeps to the day.

use tracing_subscriber::EnvFilter;

/// The filter for a `RUST_LOG` value: bare levels and `meldpunt…` directives are
/// kept; directives for other crates are dropped.
pub fn filter_directives(rust_log: &str) -> String {
    let mut out = vec!["warn".to_owned()];
    for d in rust_log.split(',').map(str::trim).filter(|d| !d.is_empty()) {
        if !d.contains('=') {
            if d.parse::<tracing::level_filters::LevelFilter>().is_ok() {
                out.push(format!("meldpunt={d}"));
            }
        } else if d.starts_with("meldpunt") {
            out.push(d.to_owned());
        }
    }
    if out.len() == 1 {
        out.push("meldpunt=info".to_owned());
    }
    out.join(",")
}

/// Installs the log subscriber: `RUST_LOG` sets meldpunt's own level, every other crate stays at `warn`.
pub fn init() {
    let wanted = std::env::var("RUST_LOG").unwrap_or_default();
    let filter = EnvFilter::try_new(filter_directives(&wanted))
        .unwrap_or_else(|_| EnvFilter::new("warn,meldpunt=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::filter_directives;

    #[test]
    fn other_crates_stay_at_warn_whatever_rust_log_says() {
        assert_eq!(filter_directives(""), "warn,meldpunt=info");
        assert_eq!(filter_directives("trace"), "warn,meldpunt=trace");
        assert_eq!(
            filter_directives("hyper=trace,meldpunt::web=debug,sqlx=debug"),
            "warn,meldpunt::web=debug"
        );
    }
}
