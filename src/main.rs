#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    meldpunt::main()
}
