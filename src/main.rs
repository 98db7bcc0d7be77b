//! The `meldpunt` binary: everything it does lives in the library.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    meldpunt::main()
}
