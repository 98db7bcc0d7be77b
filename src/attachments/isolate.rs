//! Metadata removal in a child process. The strippers parse attacker-controlled
//! formats with third-party parsers, so they run like any untrusted parser: in a
//! short-lived child of the same binary (`meldpunt clean-file`, hidden) that gets
//! the file on its standard input and answers on its standard output, holds no
//! database connection, key or socket, and lives under limits it sets on itself
//! before it reads a byte:
//!
//! - `RLIMIT_AS`: address space (512 MiB by default, `--cleaner-memory-mib`); an
//!   allocation beyond it aborts the child, never the portal;
//! - `RLIMIT_CPU`: CPU seconds; the parent also kills it when its wall-clock bound
//!   passes;
//! - `RLIMIT_NOFILE` = 3: standard input, output and error stay open; no new file,
//!   socket or pipe can be opened, so the child has no way to the network or disk;
//! - `RLIMIT_FSIZE` = 0, `RLIMIT_CORE` = 0, `RLIMIT_NPROC` = 0 and no-new-privileges.
//!
//! Any failure of the child — a limit hit, a crash, a parser error, a timeout — is
//! "could not be checked": the caller stores the file as received and says so.
//! Without [`use_child_process`] (unit tests, benchmarks of the parsers) the
//! strippers run in this process.

use std::io::{self, BufRead, Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::MetadataNote;
use super::spool::Spooled;
use super::strip::{self, Kind, StripError};

/// Limits of a cleaning child.
#[derive(Debug, Clone, Copy)]
pub struct ChildLimits {
    /// Address space, bytes.
    pub memory_bytes: u64,
    /// Wall-clock time; the child is killed when it passes. CPU time is bounded
    /// to the same number of seconds.
    pub wall: Duration,
}

/// The default address-space limit of a cleaning child.
pub const DEFAULT_MEMORY_MIB: u64 = 512;
/// How long one file's cleaning may take (within the upload's own bound).
pub const CHILD_WALL: Duration = Duration::from_secs(30);

/// Makes this process clean files in children of its own executable, with the
/// given address-space limit. When the executable cannot be found, cleaning stays
/// in-process (and says so in the log).
pub fn use_own_executable(memory_mib: u64) {
    match std::env::current_exe() {
        Ok(exe) => use_child_process(
            exe,
            ChildLimits {
                memory_bytes: memory_mib << 20,
                wall: CHILD_WALL,
            },
        ),
        Err(_) => {
            tracing::warn!("cannot find this program's executable; files are cleaned in-process")
        }
    }
}

/// The first line the child writes, before the cleaned file.
const MAX_NOTE_LINE: u64 = 4096;

struct ChildCleaner {
    exe: PathBuf,
    limits: ChildLimits,
}

static CLEANER: OnceLock<ChildCleaner> = OnceLock::new();

/// From now on, metadata removal in this process runs in children of `exe` (this
/// binary). Called once at start-up by the portal and the desk.
pub fn use_child_process(exe: PathBuf, limits: ChildLimits) {
    let _ = CLEANER.set(ChildCleaner { exe, limits });
}

/// Whether cleaning runs in child processes.
pub fn in_child_process() -> bool {
    CLEANER.get().is_some()
}

/// Removes metadata from a spooled file of a kind we clean, writing the cleaned
/// file to `out`. `max_bytes` bounds the input and the output.
pub fn clean(
    kind: Kind,
    spooled: &mut Spooled,
    out: &mut impl Write,
    max_bytes: u64,
) -> Result<MetadataNote, StripError> {
    match CLEANER.get() {
        Some(child) => run_child(child, kind, spooled, out, max_bytes),
        None => {
            let data = spooled.read_all(max_bytes)?;
            strip::strip(kind, data, out, max_bytes)
        }
    }
}

fn failed(what: &'static str) -> StripError {
    StripError::Bound(what)
}

fn run_child(
    cleaner: &ChildCleaner,
    kind: Kind,
    spooled: &mut Spooled,
    out: &mut impl Write,
    max_bytes: u64,
) -> Result<MetadataNote, StripError> {
    if spooled.len > max_bytes {
        return Err(failed("file too large to clean"));
    }
    let mut child = Command::new(&cleaner.exe)
        .arg("clean-file")
        .arg("--kind")
        .arg(kind.key())
        .arg("--max-bytes")
        .arg(max_bytes.to_string())
        .arg("--memory-bytes")
        .arg(cleaner.limits.memory_bytes.to_string())
        .arg("--cpu-secs")
        .arg(cleaner.limits.wall.as_secs().max(1).to_string())
        .env_clear()
        .env("MALLOC_ARENA_MAX", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("piped");
    let stdout = child.stdout.take().expect("piped");
    let child = Arc::new(Mutex::new(child));
    let watchdog = Watchdog::start(child.clone(), cleaner.limits.wall);
    let result = (|| {
        // The child reads the whole file before it writes anything, so writing
        // first and reading after cannot deadlock.
        io::copy(&mut spooled.reader()?.take(max_bytes), &mut stdin)?;
        drop(stdin);
        let mut reader = io::BufReader::new(stdout);
        let mut line = Vec::new();
        (&mut reader)
            .take(MAX_NOTE_LINE)
            .read_until(b'\n', &mut line)?;
        let note: MetadataNote =
            serde_json::from_slice(&line).map_err(|_| failed("the cleaner did not finish"))?;
        let copied = io::copy(&mut (&mut reader).take(max_bytes + 1), out)?;
        if copied > max_bytes {
            return Err(failed("the cleaned file is larger than allowed"));
        }
        Ok(note)
    })();
    watchdog.stop();
    let status = child.lock().expect("not poisoned").wait()?;
    match result {
        Ok(note) if status.success() => Ok(note),
        Ok(_) => Err(failed("the cleaner stopped")),
        Err(e) => Err(e),
    }
}

/// Kills the child when its time is up, unless stopped first.
struct Watchdog {
    done: Arc<(Mutex<bool>, Condvar)>,
    thread: std::thread::JoinHandle<()>,
}

impl Watchdog {
    fn start(child: Arc<Mutex<std::process::Child>>, wall: Duration) -> Self {
        let done = Arc::new((Mutex::new(false), Condvar::new()));
        let flag = done.clone();
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + wall;
            let (lock, cvar) = &*flag;
            let mut stopped = lock.lock().expect("not poisoned");
            while !*stopped {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    // std's kill does nothing to a child already waited for.
                    let _ = child.lock().expect("not poisoned").kill();
                    return;
                }
                stopped = cvar.wait_timeout(stopped, left).expect("not poisoned").0;
            }
        });
        Self { done, thread }
    }

    fn stop(self) {
        let (lock, cvar) = &*self.done;
        *lock.lock().expect("not poisoned") = true;
        cvar.notify_all();
        let _ = self.thread.join();
    }
}

/// The arguments of the hidden `meldpunt clean-file` subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct CleanFileArgs {
    /// jpeg, png, webp, ooxml or pdf.
    #[arg(long)]
    pub kind: String,
    /// Largest input (and output) in bytes.
    #[arg(long)]
    pub max_bytes: u64,
    /// Address-space limit in bytes.
    #[arg(long)]
    pub memory_bytes: u64,
    /// CPU-time limit in seconds.
    #[arg(long)]
    pub cpu_secs: u64,
}

/// The child: limits first, then read, clean, answer. Exit status 0 only when
/// the answer is complete.
pub fn child_main(args: &CleanFileArgs) -> ExitCode {
    if confine(args).is_err() {
        return ExitCode::from(2);
    }
    let Some(kind) = Kind::from_key(&args.kind) else {
        return ExitCode::from(2);
    };
    let mut data = Vec::new();
    if io::stdin()
        .lock()
        .take(args.max_bytes + 1)
        .read_to_end(&mut data)
        .is_err()
        || data.len() as u64 > args.max_bytes
    {
        return ExitCode::from(3);
    }
    let mut cleaned = Vec::new();
    let Ok(note) = strip::strip(kind, data, &mut cleaned, args.max_bytes) else {
        return ExitCode::from(4);
    };
    let mut stdout = io::stdout().lock();
    let mut line = serde_json::to_vec(&note).expect("a note serialises");
    line.push(b'\n');
    if stdout.write_all(&line).is_err()
        || stdout.write_all(&cleaned).is_err()
        || stdout.flush().is_err()
    {
        return ExitCode::from(5);
    }
    ExitCode::SUCCESS
}

/// Sets the child's limits on itself.
fn confine(args: &CleanFileArgs) -> io::Result<()> {
    use rustix::process::{Resource, Rlimit, setrlimit};
    let limit = |n: u64| Rlimit {
        current: Some(n),
        maximum: Some(n),
    };
    let set = |r: Resource, n: u64| setrlimit(r, limit(n)).map_err(io::Error::from);
    set(Resource::As, args.memory_bytes)?;
    set(Resource::Cpu, args.cpu_secs)?;
    set(Resource::Fsize, 0)?;
    set(Resource::Core, 0)?;
    set(Resource::Nofile, 3)?;
    // Root is exempt from RLIMIT_NPROC; for any other user it stops forking.
    set(Resource::Nproc, 0)?;
    rustix::thread::set_no_new_privs(true).map_err(io::Error::from)?;
    Ok(())
}
