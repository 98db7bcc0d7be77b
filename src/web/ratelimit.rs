//! Rate limits on every POST with tower-governor: one bucket per client and one
//! global bucket. The client is the peer address, or the address a trusted proxy
//! puts in a configured header. Buckets live in memory only and are never logged.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::{HeaderName, Method, Request};
use governor::middleware::NoOpMiddleware;
use tower_governor::GovernorError;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::{GlobalKeyExtractor, KeyExtractor};

/// Who a request counts against.
#[derive(Debug, Clone)]
pub struct ClientKey {
    /// Header set by a trusted reverse proxy; `None` means the peer address.
    trusted_header: Option<HeaderName>,
}

impl ClientKey {
    pub fn new(trusted_header: Option<HeaderName>) -> Self {
        Self { trusted_header }
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
                return Ok(ip);
            }
        }
        req.extensions()
            .get::<ConnectInfo<std::net::SocketAddr>>()
            .map(|ci| ci.0.ip())
            .ok_or(GovernorError::UnableToExtractKey)
    }
}

pub struct Limits {
    pub per_client: Arc<GovernorConfig<ClientKey, NoOpMiddleware>>,
    pub global: Arc<GovernorConfig<GlobalKeyExtractor, NoOpMiddleware>>,
}

pub struct RateSettings {
    pub burst: u32,
    pub period: Duration,
    pub global_burst: u32,
    pub global_period: Duration,
    pub trusted_header: Option<HeaderName>,
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
            .key_extractor(ClientKey::new(s.trusted_header.clone()))
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
        Ok(Self {
            per_client: Arc::new(per_client),
            global: Arc::new(global),
        })
    }

    /// Forgets clients whose buckets are full again, so addresses do not linger.
    pub fn forget_idle(&self) {
        self.per_client.limiter().retain_recent();
        self.per_client.limiter().shrink_to_fit();
    }
}
