//! What the fuzzer carries between requests and between its tasks: the settings
//! from the environment, the pools of real values learnt from the answers (without
//! them most requests would stop at the portal's first check: a form token, a
//! session, a member's token, a case id), and the tally that the report and the
//! verdict are made from.

use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom};
use std::str::FromStr;

use meldpunt::crypto::Recipient;
use rand::RngExt;
use serde_json::Value;

pub struct Settings {
    pub secs: u64,
    pub seed: u64,
    pub workers: u64,
}

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    Some(
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
    )
}

impl Settings {
    pub fn from_env() -> Settings {
        Settings {
            secs: env_u64("MELDPUNT_HTTP_FUZZ_SECS").unwrap_or(15),
            seed: env_u64("MELDPUNT_HTTP_FUZZ_SEED").unwrap_or_else(|| rand::rng().random()),
            workers: env_u64("MELDPUNT_HTTP_FUZZ_WORKERS").unwrap_or(6).max(1),
        }
    }
}

// ---------------------------------------------------------------------------------
// What the fuzzer learns: pools of real values, per portal
// ---------------------------------------------------------------------------------

#[derive(Clone, Copy)]
pub enum Pool {
    ReportTokens,
    FollowUpTokens,
    Codes,
    Sessions,
    MemberTokens,
    Cases,
    Attachments,
    Ids,
    Members,
}

const POOLS: usize = 9;
const POOL_CAP: usize = 64;

/// Who a case's messages are sealed to, from the case detail, so that the fuzzer
/// can seal replies and notes as the desk does.
#[derive(Clone)]
pub struct CaseKeys {
    pub case: String,
    pub committee: Vec<Recipient>,
    pub reporter: Recipient,
}

impl CaseKeys {
    /// From a case's detail in the API (its `seal_to`); None if the reporter's key
    /// cannot be read.
    pub fn from_detail(case: &str, detail: &Value) -> Option<CaseKeys> {
        let parse = |v: &Value| v.as_str().and_then(|s| Recipient::from_str(s).ok());
        let committee: Vec<Recipient> = detail["seal_to"]["committee"]
            .as_array()
            .map(|a| a.iter().filter_map(parse).collect())
            .unwrap_or_default();
        let reporter = parse(&detail["seal_to"]["reporter"])?;
        Some(CaseKeys {
            case: case.to_owned(),
            committee,
            reporter,
        })
    }

    /// Who a reply is sealed to: the committee and the reporter.
    pub fn everyone(&self) -> Vec<Recipient> {
        let mut everyone = self.committee.clone();
        everyone.push(self.reporter.clone());
        everyone
    }
}

#[derive(Default)]
pub struct Pools {
    lists: [Vec<String>; POOLS],
    pub keys: Vec<CaseKeys>,
}

impl Pools {
    pub fn list(&self, p: Pool) -> &Vec<String> {
        &self.lists[p as usize]
    }

    pub fn remove(&mut self, p: Pool, value: &str) {
        self.lists[p as usize].retain(|v| v != value);
    }

    pub fn add(&mut self, p: Pool, value: &str) {
        let list = &mut self.lists[p as usize];
        if value.is_empty() || list.iter().any(|v| v == value) {
            return;
        }
        if list.len() == POOL_CAP {
            list.remove(0);
        }
        list.push(value.to_owned());
    }
}

// ---------------------------------------------------------------------------------
// Counting
// ---------------------------------------------------------------------------------

pub struct Failure {
    pub what: String,
    pub count: u64,
    pub request: Vec<u8>,
    pub detail: String,
}

#[derive(Default)]
pub struct Tally {
    pub connections: u64,
    pub requests: u64,
    pub statuses: BTreeMap<u16, u64>,
    /// The server closed the connection without an answer.
    pub closed: u64,
    pub resets: u64,
    pub malformed: u64,
    /// An answer that was cut off in its body.
    pub truncated: u64,
    pub connect_errors: u64,
    /// Requests with unclear framing (our side closes after the grace period).
    pub unsure: u64,
    pub pipelined: u64,
    /// Statuses by method and route (printed with MELDPUNT_HTTP_FUZZ_ROUTES=1).
    pub by_route: BTreeMap<String, BTreeMap<u16, u64>>,
    pub failures: Vec<Failure>,
}

impl Tally {
    pub fn fail(&mut self, what: String, request: &[u8], detail: String) {
        if let Some(f) = self.failures.iter_mut().find(|f| f.what == what) {
            f.count += 1;
            return;
        }
        self.failures.push(Failure {
            what,
            count: 1,
            request: request.to_vec(),
            detail,
        });
    }
}

/// A panic in the server: the standard message, or meldpunt's own panic hook
/// (src/lib.rs), which prints only the place.
pub fn is_panic_line(line: &str) -> bool {
    line.contains("panicked") || line.contains("meldpunt: internal error at")
}

/// Reads what a log file gained since the last look.
pub struct LogWatch {
    path: std::path::PathBuf,
    offset: u64,
}

impl LogWatch {
    pub fn new(path: std::path::PathBuf) -> LogWatch {
        LogWatch { path, offset: 0 }
    }

    /// New panic lines since the last call.
    pub fn new_panics(&mut self) -> Vec<String> {
        let Ok(mut f) = std::fs::File::open(&self.path) else {
            return Vec::new();
        };
        if f.seek(SeekFrom::Start(self.offset)).is_err() {
            return Vec::new();
        }
        let mut new = Vec::new();
        let Ok(n) = f.read_to_end(&mut new) else {
            return Vec::new();
        };
        // Only whole lines: a line being written is read again next time.
        let end = new.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        self.offset += end.min(n) as u64;
        String::from_utf8_lossy(&new[..end])
            .lines()
            .filter(|l| is_panic_line(l))
            .map(str::to_owned)
            .collect()
    }
}
