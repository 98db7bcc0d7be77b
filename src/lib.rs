//! meldpunt: a confidential reporting portal for concerns about professional secrecy
//! and privacy in social work. Reporters write without an account and come back
//! with a pickup code; everything they write is stored only as age ciphertext sealed
//! to the committee and to a key derived from the code. One library holds the
//! portal, the committee's desk, the administration commands and what they share;
//! `main.rs` only calls [`main`], and the tests run the same code.
//!
//! # Layout
//!
//! The roles, each a command ([`config`] has one clap struct per role):
//!
//! * [`serve`]: the portal's start-up: recipients file, database and migrations,
//!   installation secrets, the router of [`web`], housekeeping, shutdown.
//! * [`web`]: the portal's HTTP side. The shared state (`state.rs`) and the router
//!   with its layers (`mod.rs`, `security.rs`: same-origin POSTs, error pages); the
//!   report (`pages.rs`, `report_form/`, `upload.rs`, which stores a message with
//!   its files for both the report and a follow-up); a reporter's return
//!   (`pickup.rs`, `sign_in.rs`, `session.rs` with the session extractor,
//!   `cookie.rs`, `thread.rs`, `withdraw.rs`); the privacy statement (`privacy.rs`,
//!   from the data inventory); the page frame (`layout.rs`, drawn by the one layer in
//!   `security.rs` that knows the site profile and sets `Onion-Location`); form
//!   tokens and rate limits; and the committee API in `web::api`.
//! * [`desk`]: the committee's desk, a local app on the member's computer that holds
//!   their key, fetches ciphertext through the API, decrypts, and seals replies. It
//!   trusts nothing the portal says (docs/ARCHITECTURE.md, "Trust model"): `client.rs`
//!   reads every answer within a bound into [`protocol`] types, `sealing.rs` seals
//!   only to the pinned roster (`pins.rs`, confirmed on `roster_page.rs`) and to the
//!   reporter key sealed inside the report, `session.rs` guards the desk itself.
//! * [`admin`]: the `member`, `keygen`, `audit`, `backup` and `restore` commands.
//! * [`notify`]: members who opted in get one mail a day, at a fixed hour, saying
//!   that there is new activity, never what; the portal's only outbound connection,
//!   and only when an SMTP server is configured.
//! * [`site`]: the site profile (`site.toml`): who runs the portal, in Dutch and
//!   English; read once at start-up, refused with key and line when malformed.
//!
//! What the portal and the desk share, neither depending on the other:
//!
//! * [`http`]: the security headers (one list), strict form and multipart reading,
//!   cookies, the file list markup, downloads and static assets.
//! * [`protocol`]: the committee API contract: paths, typed requests and answers,
//!   the sign-in challenge format and the roster with its fingerprint.
//! * [`case`]: the domain: the report's choices, the sealed envelope and what it
//!   says about its files, the workflow and its deadlines.
//! * [`crypto`]: all cryptography (recipients, padded sealing and opening, HKDF,
//!   HMAC, the audit hash chain); [`pickup`]: pickup codes; [`identity`]: members'
//!   identity files.
//! * [`attachments`]: the encrypted upload spool, metadata removal (in a
//!   resource-limited child process, `isolate.rs`), sealing with age STREAM into
//!   chunk rows, and decrypting downloads (`read.rs`).
//! * [`storage`]: every SQL statement, one file per table (`cases.rs`, `sessions.rs`,
//!   `settings.rs`, `members.rs`, `audit.rs`, `attachments.rs`, `withdrawals.rs`),
//!   for SQLite and PostgreSQL; `inventory.rs` classifies every column.
//! * [`i18n`]: every page string in Dutch and English; [`logging`]: a log filter
//!   that keeps other crates' request data out of the logs.
//!
//! Imports point one way: no cycle between these modules, nor between the modules
//! of one directory (`tests/source_rules.rs` checks both).
//!
//! # How a report flows
//!
//! 1. `web::pages::submit_report` generates a [`pickup::PickupCode`] first; derived
//!    from it with the installation salt are the lookup value that finds the case and
//!    the reporter's age key.
//! 2. It reads the form ([`http::multipart`]: every limit checked as the bytes arrive;
//!    files with nothing to clean sealed into chunk rows as they arrive, the others
//!    streamed into encrypted spools), checks its single-use form token and parses it
//!    into a [`case::Report`].
//! 3. `web::upload::store_message` cleans and seals each spooled file into chunk rows of a
//!    pending attachment ([`attachments::store`]). The [`case::Envelope`] (case id,
//!    sequence number, report, what it says about the files) is padded and sealed
//!    with [`crypto::seal`] to the committee and the reporter, and
//!    [`storage::Storage::insert_case`] stores the case, its first message, the
//!    claim on its files and the form nonce in one transaction. The receipt shows
//!    the code once; it is stored nowhere.
//! 4. Coming back, `web::pickup` derives the lookup value again, finds the case and
//!    starts a session whose row holds the reporter's key, sealed to a key derived
//!    from the cookie's token. `web::thread` opens each message with that key; a follow-up
//!    (`web::follow_up`) is stored by the same `store_message`.
//! 5. A member's [`desk`] signs in to `web::api` by answering an age challenge of one
//!    fixed format with a MAC, fetches the ciphertext ([`protocol`]), decrypts it on
//!    the member's computer, and seals the reply there to the roster the member
//!    confirmed and the reporter key from inside the report; the portal stores it
//!    after checking whom it is sealed to.
#![forbid(unsafe_code)]

/// Administration commands: members, keygen, audit verification.
pub mod admin;
/// Attachments: encrypted spool, metadata removal, chunked age STREAM storage.
pub mod attachments;
/// Domain types: report, message envelope and its files, statuses, deadlines.
pub mod case;
/// Command line and environment configuration.
pub mod config;
/// age sealing and opening, padding, key derivation.
pub mod crypto;
/// The committee desk: a local app that decrypts and seals on the member's computer.
pub mod desk;
/// HTTP pieces the portal and the desk share: headers, forms, cookies, downloads.
pub mod http;
/// Typed texts in Dutch and English.
pub mod i18n;
/// Members' identity files, plain or passphrase-protected.
pub mod identity;
/// Logging that never lets request data through.
pub mod logging;
/// Content-free daily notifications to members by e-mail (opt-in, off by default).
pub mod notify;
/// Pickup codes: generate, parse, display, derive.
pub mod pickup;
/// The committee API contract: paths, requests and responses, the sign-in
/// challenge and the roster, shared by the portal and the desk.
pub mod protocol;
/// Start-up of the portal: keys, database, router, housekeeping.
pub mod serve;
/// The site profile: who runs the portal, in Dutch and English.
pub mod site;
/// Every SQL statement, one file per table.
pub mod storage;
/// The portal's HTTP side: reporter pages, sessions, security layers, committee API.
pub mod web;

use std::process::ExitCode;

use clap::Parser;

use config::{Cli, Command, DeskArgs, ServeArgs};

/// Runs the command line: parses it and hands over to the chosen role.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // The file cleaner's child: no runtime, no logging, limits first.
    if let Some(Command::CleanFile(args)) = &cli.command {
        return attachments::isolate::child_main(args);
    }
    logging::init();
    // A panic's message may quote its input (a parser fed a reporter's file, a
    // form value): report where it happened, never what it said.
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("meldpunt: internal error at {place}; details withheld");
    }));
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("meldpunt: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result: Result<(), Box<dyn std::error::Error>> = runtime.block_on(async {
        match cli.command {
            Some(Command::Serve(args)) => Ok(serve::run(*args, None).await?),
            None => demo(ServeArgs::from_env()).await,
            Some(Command::Desk(args)) => Ok(desk::run(args).await?),
            Some(Command::Keygen(args)) => Ok(admin::keygen(args)?),
            Some(Command::Member(cmd)) => Ok(admin::member(cmd).await?),
            Some(Command::Audit(cmd)) => Ok(admin::audit(cmd).await?),
            Some(Command::Export(args)) => Ok(export(args).await?),
            Some(Command::Reseal(args)) => Ok(desk::reseal_cli::run(args).await?),
            Some(Command::Backup(args)) => Ok(admin::backup(args).await?),
            Some(Command::Restore(args)) => Ok(admin::restore(args).await?),
            Some(Command::CleanFile(_)) => unreachable!("handled before the runtime starts"),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("meldpunt: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `meldpunt` without a subcommand: the portal, and in demo mode also a desk for
/// the demo identity, so a newcomer can report and answer within a minute.
async fn demo(args: ServeArgs) -> Result<(), Box<dyn std::error::Error>> {
    let (started_tx, started_rx) = tokio::sync::oneshot::channel();
    let data_dir = args.data_dir.clone();
    let cleaner = args.cleaner.clone();
    let portal = tokio::spawn(serve::run(args, Some(started_tx)));
    if let Ok(started) = started_rx.await
        && let Some(identity) = started.demo_identity
    {
        let desk_args = DeskArgs {
            portal: format!("http://{}", started.addr),
            identity,
            listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            export_dir: data_dir.join("exports"),
            lang: "nl".to_owned(),
            cleaner,
            state_dir: Some(data_dir.join("desk")),
            time_zone: None,
            lock_after_secs: 900,
        };
        let (listener, state) = desk::prepare(&desk_args).await?;
        println!(
            "demo desk (committee side) for the demo identity: {}",
            desk::launch_url(&state)
        );
        tokio::spawn(desk::serve(listener, state));
    }
    Ok(portal.await??)
}

/// `meldpunt export`: signs in with the identity and writes one case to disk.
async fn export(args: config::ExportArgs) -> Result<(), Box<dyn std::error::Error>> {
    let file = identity::read(&args.identity)?;
    let passphrase = match (&args.passphrase_file, file.is_encrypted()) {
        (Some(path), _) => Some(identity::passphrase_from_file(path)?),
        (None, true) => Some(identity::prompt_passphrase(
            "Passphrase of your identity: ",
        )?),
        (None, false) => None,
    };
    let portal = desk::Portal::new(&args.portal, file.unlock(passphrase.as_ref())?)?;
    portal.sign_in().await?;
    let cases = portal.cases().await?;
    let case = cases
        .iter()
        .find(|c| c.reference.as_str().eq_ignore_ascii_case(args.case.trim()))
        .ok_or("no case with that reference")?;
    let dir = desk::export_case(&portal, &case.id, &args.out).await?;
    println!("exported {} to {}", case.reference, dir.display());
    portal.sign_out().await?;
    Ok(())
}
