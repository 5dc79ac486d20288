//! The `qna.yaml` reader: no input may panic, or take unbounded time or memory (depth and alias
//! bombs are refused before parsing).
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let files = [common::Mem {
        path: "qna.yaml".into(),
        bytes: data.to_vec(),
        step: 4096,
    }];
    common::read_and_reread(&files, false);
});
