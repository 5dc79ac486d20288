//! The `kmix` command line (native only; the browser uses the wasm facade instead).

// Tokenizing allocates many small strings on every core; glibc's allocator spends a third of the
// run in its locks and free lists there, mimalloc a fraction of that.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    std::process::exit(kmix::cli::run());
}
