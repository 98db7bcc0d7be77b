//! meldpunt: a confidential reporting portal for concerns about professional secrecy
//! and privacy in social work. See DESIGN.md for the picture; this crate holds the
//! portal, its storage and its cryptography, shared by the binary and the tests.
#![forbid(unsafe_code)]

/// Administration commands: members, keygen, audit verification.
pub mod admin;
/// Attachments: encrypted spool, metadata removal, chunked age STREAM storage.
pub mod attachments;
/// Domain types: report, message envelope, statuses, deadlines.
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
/// Pickup codes: generate, parse, display, derive.
pub mod pickup;
/// The committee API contract: paths, requests and responses, the sign-in
/// challenge and the roster, shared by the portal and the desk.
pub mod protocol;
/// Start-up of the portal.
pub mod serve;
/// Every SQL statement.
pub mod storage;
/// The portal's HTTP side.
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
            Some(Command::Serve(args)) => Ok(serve::run(args, None).await?),
            None => demo(ServeArgs::from_env()).await,
            Some(Command::Desk(args)) => Ok(desk::run(args).await?),
            Some(Command::Keygen(args)) => Ok(admin::keygen(args)?),
            Some(Command::Member(cmd)) => Ok(admin::member(cmd).await?),
            Some(Command::Audit(cmd)) => Ok(admin::audit(cmd).await?),
            Some(Command::Export(args)) => Ok(export(args).await?),
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
            cleaner_memory_mib: attachments::isolate::DEFAULT_MEMORY_MIB,
            state_dir: Some(data_dir.join("desk")),
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
