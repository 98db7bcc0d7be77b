//! The notification mail over SMTP (lettre with rustls): the server setting, parsed
//! into how the connection is protected; the member's address; one fixed mail text.

use std::net::IpAddr;
use std::str::FromStr;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use time::OffsetDateTime;

use crate::i18n::Lang;

/// How the portal reaches the SMTP server, parsed from `--notify-smtp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmtpServer {
    /// `smtps://`: TLS from the first byte.
    Tls {
        /// Host name the certificate must be valid for.
        host: String,
        /// Port (465 unless given).
        port: u16,
    },
    /// `smtp://`: plain at first, then STARTTLS, which must succeed before anything
    /// (credentials, addresses, the mail) is sent.
    StartTls {
        /// Host name the certificate must be valid for.
        host: String,
        /// Port (587 unless given).
        port: u16,
    },
    /// `smtp+plain://`: no encryption, only to a loopback address.
    PlainLoopback {
        /// The loopback address.
        ip: IpAddr,
        /// Port.
        port: u16,
    },
}

impl SmtpServer {
    /// Parses `smtps://HOST[:PORT]`, `smtp://HOST[:PORT]` or `smtp+plain://IP:PORT`
    /// (loopback only). Credentials, paths and queries are refused: credentials come
    /// from the environment, and nothing else is meant.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (scheme, rest) = text
            .trim()
            .split_once("://")
            .ok_or("use smtps://HOST, smtp://HOST (STARTTLS) or smtp+plain://127.0.0.1:PORT")?;
        if rest.contains(['@', '/', '?', '#']) || rest.is_empty() {
            return Err(
                "give only HOST[:PORT]; the user name and password come from \
                 MELDPUNT_NOTIFY_SMTP_USERNAME and MELDPUNT_NOTIFY_SMTP_PASSWORD"
                    .into(),
            );
        }
        let (host, port) = split_port(rest)?;
        let host_ok = |h: &str| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:".contains(c))
        };
        match scheme.to_ascii_lowercase().as_str() {
            "smtps" if host_ok(&host) => Ok(SmtpServer::Tls {
                host,
                port: port.unwrap_or(465),
            }),
            "smtp" if host_ok(&host) => Ok(SmtpServer::StartTls {
                host,
                port: port.unwrap_or(587),
            }),
            "smtp+plain" => {
                let ip = IpAddr::from_str(&host)
                    .ok()
                    .filter(IpAddr::is_loopback)
                    .ok_or(
                        "smtp+plain:// is unencrypted and allowed only to a loopback IP address",
                    )?;
                let port = port.ok_or("smtp+plain:// needs a port")?;
                Ok(SmtpServer::PlainLoopback { ip, port })
            }
            "smtps" | "smtp" => Err("not a valid host name".into()),
            _ => Err("use smtps://, smtp:// (STARTTLS) or smtp+plain:// (loopback only)".into()),
        }
    }
}

/// Splits `HOST[:PORT]`, with `[IPv6]` in brackets.
fn split_port(rest: &str) -> Result<(String, Option<u16>), String> {
    let bad_port = |_| "not a valid port".to_owned();
    if let Some(inner) = rest.strip_prefix('[') {
        let (host, after) = inner.split_once(']').ok_or("unclosed [")?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse().map_err(bad_port)?),
            None if after.is_empty() => None,
            None => return Err("not a valid address".into()),
        };
        return Ok((host.to_owned(), port));
    }
    match rest.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => {
            Ok((host.to_owned(), Some(port.parse().map_err(bad_port)?)))
        }
        _ => Ok((rest.to_owned(), None)),
    }
}

/// A member's (or the sender's) e-mail address, checked by lettre's parser and kept
/// short and free of control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(Address);

impl EmailAddress {
    /// Parses an address such as `name@example.org`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.len() > 254 || text.chars().any(char::is_control) {
            return Err("not a valid e-mail address".into());
        }
        Address::from_str(text)
            .map(EmailAddress)
            .map_err(|_| "not a valid e-mail address".into())
    }

    /// The address as text, for storing it.
    pub fn as_str(&self) -> &str {
        self.0.as_ref()
    }
}

/// Why a notification mail was not sent. [`MailError::kind`] is what may be logged.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The client could not be set up (e.g. TLS parameters for the host).
    #[error("the SMTP client cannot be set up for this server: {0}")]
    Setup(lettre::transport::smtp::Error),
    /// The mail could not be built.
    #[error("the notification mail could not be built")]
    Build,
    /// The stored address no longer parses.
    #[error("a stored notification address is not valid")]
    StoredAddress,
    /// Sending failed; the error is kept for the caller but not displayed, because
    /// a server's answer may quote the address.
    #[error("the SMTP server did not take the mail ({})", kind_of(.0))]
    Send(lettre::transport::smtp::Error),
}

fn kind_of(e: &lettre::transport::smtp::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_tls() {
        "tls"
    } else if e.is_permanent() {
        "refused"
    } else if e.is_transient() {
        "deferred"
    } else if e.is_client() {
        "client"
    } else if e.is_response() {
        "unexpected answer"
    } else {
        "connection"
    }
}

impl MailError {
    /// A fixed word for the log: what kind of failure, never an address or a
    /// server's text.
    pub fn kind(&self) -> &'static str {
        match self {
            MailError::Setup(_) => "setup",
            MailError::Build => "build",
            MailError::StoredAddress => "stored address",
            MailError::Send(e) => kind_of(e),
        }
    }
}

/// Sends the notification mail: an SMTP client for one server, and the sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: EmailAddress,
}

impl Mailer {
    /// A client for `server`, sending as `from`, logging in with `credentials`
    /// (user name, password) when given.
    pub fn new(
        server: &SmtpServer,
        from: EmailAddress,
        credentials: Option<(String, String)>,
    ) -> Result<Self, MailError> {
        type Transport = AsyncSmtpTransport<Tokio1Executor>;
        let builder = match server {
            SmtpServer::Tls { host, port } => Transport::relay(host)
                .map_err(MailError::Setup)?
                .port(*port),
            SmtpServer::StartTls { host, port } => Transport::starttls_relay(host)
                .map_err(MailError::Setup)?
                .port(*port),
            SmtpServer::PlainLoopback { ip, port } => {
                Transport::builder_dangerous(ip.to_string()).port(*port)
            }
        };
        let builder = builder.timeout(Some(Duration::from_secs(30)));
        let builder = match credentials {
            Some((user, password)) => builder.credentials(Credentials::new(user, password)),
            None => builder,
        };
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }

    /// Sends the one notification text to `to`, dated `date`.
    pub async fn send(&self, to: &EmailAddress, date: OffsetDateTime) -> Result<(), MailError> {
        let message = notification(&self.from, to, date)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(MailError::Send)
    }
}

/// The notification: the same subject and text every time, in Dutch and then in
/// English (the portal does not know a member's language), dated `date`.
fn notification(
    from: &EmailAddress,
    to: &EmailAddress,
    date: OffsetDateTime,
) -> Result<Message, MailError> {
    let (nl, en) = (Lang::Nl.texts(), Lang::En.texts());
    Message::builder()
        .from(Mailbox::new(None, from.0.clone()))
        .to(Mailbox::new(None, to.0.clone()))
        .subject(format!("{} / {}", nl.notify_subject, en.notify_subject))
        .date(date.into())
        .header(ContentType::TEXT_PLAIN)
        .body(format!("{}\n\n{}\n", nl.notify_body, en.notify_body))
        .map_err(|_| MailError::Build)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_smtp_is_refused_unless_the_server_is_on_loopback() {
        assert!(SmtpServer::parse("smtp+plain://192.0.2.1:25").is_err());
        assert!(SmtpServer::parse("smtp+plain://mail.example.org:25").is_err());
        assert!(SmtpServer::parse("smtp+plain://127.0.0.1").is_err());
        assert_eq!(
            SmtpServer::parse("smtp+plain://127.0.0.1:2525"),
            Ok(SmtpServer::PlainLoopback {
                ip: "127.0.0.1".parse().unwrap(),
                port: 2525
            })
        );
        assert_eq!(
            SmtpServer::parse("smtp+plain://[::1]:2525"),
            Ok(SmtpServer::PlainLoopback {
                ip: "::1".parse().unwrap(),
                port: 2525
            })
        );
    }

    #[test]
    fn smtp_means_starttls_and_smtps_means_tls_with_their_ports() {
        assert_eq!(
            SmtpServer::parse("smtp://mail.example.org"),
            Ok(SmtpServer::StartTls {
                host: "mail.example.org".into(),
                port: 587
            })
        );
        assert_eq!(
            SmtpServer::parse("SMTPS://mail.example.org:2465"),
            Ok(SmtpServer::Tls {
                host: "mail.example.org".into(),
                port: 2465
            })
        );
    }

    #[test]
    fn credentials_or_paths_in_the_server_setting_are_refused() {
        for bad in [
            "smtps://user:secret@mail.example.org",
            "smtp://mail.example.org/x",
            "smtp://mail.example.org?tls=none",
            "http://mail.example.org",
            "mail.example.org",
            "smtp://",
            "smtp://mail.example.org:99999",
        ] {
            assert!(SmtpServer::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_address_with_a_line_break_is_not_an_address() {
        assert!(EmailAddress::parse("a@example.org\r\nBcc: b@example.org").is_err());
        assert!(EmailAddress::parse("not an address").is_err());
        assert_eq!(
            EmailAddress::parse(" lid@example.org ").unwrap().as_str(),
            "lid@example.org"
        );
    }
}
