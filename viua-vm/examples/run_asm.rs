//! Assembles and runs one `.asm` file: `cargo run -p viua-vm --example run_asm -- FILE [ARGS]`
//! (a stand-in for `viua run` while the CLI is wired up).

fn main() {
    let mut argv = std::env::args().skip(1);
    let Some(path) = argv.next() else {
        eprintln!("usage: run_asm FILE.asm [ARGS...]");
        std::process::exit(1);
    };
    let source = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let module = match viua_asm::assemble(&path, &source, &viua_asm::Options::default()) {
        Ok(out) => out.module,
        Err(d) => {
            eprintln!("{d:?}");
            std::process::exit(1);
        }
    };
    let code = viua_vm::run_executable(
        &module,
        &path,
        argv.collect(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    std::process::exit(code);
}
