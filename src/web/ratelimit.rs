//! Rate limits on every POST with tower-governor: one bucket per client and one
//! global bucket. The client is the peer address, or the address a trusted proxy
//! puts in a configured header; an IPv6 client is its network (a /64 by default),
//! since one customer usually holds a whole /64. Buckets live in memory only and
//! are never logged. With `--shared-limits` the global bucket lives in the
//! database instead ([`shared_global`]), so several instances keep one global cap;
//! per-client buckets stay per instance (they would put client addresses in the
//! database).

use std::net::{IpAddr, Ipv6Addr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::middleware::NoOpMiddleware;
use tower_governor::GovernorError;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::{GlobalKeyExtractor, KeyExtractor};

/// Who a request counts against.
#[derive(Debug, Clone)]
pub struct ClientKey {
    /// Header set by a trusted reverse proxy; `None` means the peer address.
    trusted_header: Option<HeaderName>,
    /// IPv6 addresses count by their network of this many bits.
    ipv6_prefix: u8,
}

impl ClientKey {
    /// Keys on `trusted_header` when set, otherwise on the peer address; IPv6
    /// addresses by their network of `ipv6_prefix` bits.
    pub fn new(trusted_header: Option<HeaderName>, ipv6_prefix: u8) -> Self {
        Self {
            trusted_header,
            ipv6_prefix: ipv6_prefix.min(128),
        }
    }

    /// The bucket of an address: an IPv4 address (also written as IPv4-mapped
    /// IPv6) itself, an IPv6 address its network.
    pub fn bucket(&self, ip: IpAddr) -> IpAddr {
        match ip {
            IpAddr::V4(v4) => IpAddr::V4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let bits = u128::from(v6);
                    let mask = u128::MAX
                        .checked_shl(u32::from(128 - self.ipv6_prefix))
                        .unwrap_or(0);
                    IpAddr::V6(Ipv6Addr::from(bits & mask))
                }
            },
        }
    }
}

impl KeyExtractor for ClientKey {
    type Key = IpAddr;

    fn extract<T>(&self, req: &Request<T>) -> Result<Self::Key, GovernorError> {
        if let Some(name) = &self.trusted_header {
            // The proxy appends the address it saw last; earlier entries are the
            // client's own claims and cannot be trusted.
            let from_header = req
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok());
            if let Some(ip) = from_header {
                return Ok(self.bucket(ip));
            }
        }
        req.extensions()
            .get::<ConnectInfo<std::net::SocketAddr>>()
            .map(|ci| self.bucket(ci.0.ip()))
            .ok_or(GovernorError::UnableToExtractKey)
    }
}

/// The two limiters on POSTs: per client, and all clients together.
pub struct Limits {
    /// Per client (address or trusted header).
    pub per_client: Arc<GovernorConfig<ClientKey, NoOpMiddleware>>,
    /// All clients together (behind Tor every client is 127.0.0.1).
    pub global: Arc<GovernorConfig<GlobalKeyExtractor, NoOpMiddleware>>,
    /// Set when the global limit is kept in the database instead of `global`.
    pub shared: Option<SharedRate>,
}

/// The global limit as kept in the database for several instances.
#[derive(Debug, Clone, Copy)]
pub struct SharedRate {
    burst: i64,
    period_ms: i64,
}

/// Counts a POST against the global limit kept in the database; answers 429 with
/// Retry-After when it is used up, as the in-memory limiter does.
pub async fn shared_global(
    State((storage, rate)): State<(crate::storage::Storage, SharedRate)>,
    request: axum::extract::Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let now_ms = i64::try_from(time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000)
        .unwrap_or(i64::MAX);
    match storage
        .take_shared_rate(now_ms, rate.period_ms, rate.burst)
        .await
    {
        Ok(None) => next.run(request).await,
        Ok(Some(wait_ms)) => {
            let mut refused = StatusCode::TOO_MANY_REQUESTS.into_response();
            refused.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(wait_ms.div_euclid(1000)),
            );
            refused
        }
        Err(e) => {
            tracing::warn!(error = %e, "the shared global limit cannot be read");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// The rate limits as configured.
pub struct RateSettings {
    /// POSTs one client may make in a burst.
    pub burst: u32,
    /// After which one more is allowed.
    pub period: Duration,
    /// POSTs all clients together may make in a burst.
    pub global_burst: u32,
    /// After which one more is allowed in the global cap.
    pub global_period: Duration,
    /// Header a trusted reverse proxy sets to the client address.
    pub trusted_header: Option<HeaderName>,
    /// Prefix length of an IPv6 client's bucket.
    pub ipv6_prefix: u8,
    /// Keep the global bucket in the database, shared by every instance on it.
    pub shared: bool,
}

/// A burst and period the limiter cannot represent: it counts burst × period in
/// nanoseconds in a u64 (about 584 years), and would panic past that.
#[derive(Debug, thiserror::Error)]
#[error("{burst_flag} × {period_flag} is too large: burst times period must stay under 500 years")]
pub struct TooLarge {
    burst_flag: &'static str,
    period_flag: &'static str,
}

fn representable(burst: u32, period: Duration) -> bool {
    period.as_nanos().saturating_mul(u128::from(burst.max(1))) < u128::from(u64::MAX / 2)
}

impl Limits {
    /// The limiters for these settings; one the limiter cannot count is refused.
    pub fn new(s: &RateSettings) -> Result<Self, TooLarge> {
        if !representable(s.burst, s.period) {
            return Err(TooLarge {
                burst_flag: "--rate-burst",
                period_flag: "--rate-period-ms",
            });
        }
        if !representable(s.global_burst, s.global_period) {
            return Err(TooLarge {
                burst_flag: "--global-rate-burst",
                period_flag: "--global-rate-period-ms",
            });
        }
        let per_client = GovernorConfigBuilder::default()
            .key_extractor(ClientKey::new(s.trusted_header.clone(), s.ipv6_prefix))
            .period(s.period)
            .burst_size(s.burst.max(1))
            .methods(vec![Method::POST])
            .finish()
            .expect("burst and period are positive");
        let global = GovernorConfigBuilder::default()
            .key_extractor(GlobalKeyExtractor)
            .period(s.global_period)
            .burst_size(s.global_burst.max(1))
            .methods(vec![Method::POST])
            .finish()
            .expect("burst and period are positive");
        let shared = s.shared.then(|| SharedRate {
            burst: i64::from(s.global_burst.max(1)),
            period_ms: i64::try_from(s.global_period.as_millis())
                .unwrap_or(i64::MAX)
                .max(1),
        });
        Ok(Self {
            per_client: Arc::new(per_client),
            global: Arc::new(global),
            shared,
        })
    }

    /// Forgets clients whose buckets are full again, so addresses do not linger.
    pub fn forget_idle(&self) {
        self.per_client.limiter().retain_recent();
        self.per_client.limiter().shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ipv6_clients_share_a_bucket_per_64_and_ipv4_clients_do_not() {
        let key = ClientKey::new(None, 64);
        assert_eq!(
            key.bucket(ip("2001:db8:1:2::1")),
            key.bucket(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(
            key.bucket(ip("2001:db8:1:2::1")),
            key.bucket(ip("2001:db8:1:3::1"))
        );
        assert_ne!(key.bucket(ip("192.0.2.1")), key.bucket(ip("192.0.2.2")));
        assert_eq!(key.bucket(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
        let whole = ClientKey::new(None, 128);
        assert_ne!(
            whole.bucket(ip("2001:db8::1")),
            whole.bucket(ip("2001:db8::2"))
        );
        let wide = ClientKey::new(None, 48);
        assert_eq!(
            wide.bucket(ip("2001:db8:1:2::1")),
            wide.bucket(ip("2001:db8:1:3::1"))
        );
    }
}
