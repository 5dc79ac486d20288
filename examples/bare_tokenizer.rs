//! Benchmark baseline: the bare tokenizer's time on the very texts a mix counts (the library's
//! own `encode`, none of kmix's ways of doing less work taken).
//! Reads a `combined_cut_{N}x.jsonl`, renders every conversation (untimed), then times encoding
//! the rendered texts on `threads` threads, and prints `{"texts", "tokens", "seconds"}` as JSON.
//!
//!     cargo run --release --example bare_tokenizer -- TOKENIZER_DIR MIX.jsonl THREADS

use std::io::BufRead;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use kmix::render::Message;

// The same allocator as the kmix binary, so that the ratio compares like with like.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use kmix::tokens::{ChatTokenizer, TokenizerFiles};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, mix, threads] = args.as_slice() else {
        eprintln!("usage: bare_tokenizer TOKENIZER_DIR MIX.jsonl THREADS");
        std::process::exit(2);
    };
    let dir = Path::new(dir);
    let files = TokenizerFiles {
        name: "bench".into(),
        tokenizer_json: std::fs::read(dir.join("tokenizer.json")).expect("tokenizer.json"),
        tokenizer_config_json: std::fs::read(dir.join("tokenizer_config.json")).ok(),
        ..Default::default()
    };
    let tokenizer = ChatTokenizer::load(&files, 0).expect("tokenizer loads");
    let texts: Vec<String> = std::io::BufReader::new(std::fs::File::open(mix).expect("mix file"))
        .lines()
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(&line.expect("line")).expect("json");
            let messages: Vec<Message> =
                serde_json::from_value(row["messages"].clone()).expect("messages");
            tokenizer.render(&messages).expect("renders")
        })
        .collect();
    let threads: usize = threads.parse().expect("threads");
    let next = AtomicUsize::new(0);
    let tokens = AtomicU64::new(0);
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(text) = texts.get(i) else { break };
                let n = tokenizer.bare_tokens_of_text(text).expect("encodes");
                tokens.fetch_add(u64::from(n.length), Ordering::Relaxed);
            });
        }
    });
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{{\"texts\": {}, \"tokens\": {}, \"seconds\": {seconds:.4}}}",
        texts.len(),
        tokens.load(Ordering::Relaxed)
    );
}
