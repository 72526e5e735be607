//! `cookie-warden`: the command-line tool for site owners (and for us). It checks a policy
//! before it is published, shows what a visitor would see, converts TCF disclosure files, and
//! prints the JSON Schema. It reads files and the clock, then hands plain data to the engine.

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

/// The command-line tool is native only; the wasm build of the crate is the extension's module.
#[cfg(target_arch = "wasm32")]
fn main() {}
