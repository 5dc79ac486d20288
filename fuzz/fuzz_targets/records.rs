//! The JSON Lines / JSON array / gzip readers, at arbitrary read boundaries, with and without
//! `--skip-bad-rows`; every row indexed reads back.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&control, bytes)) = data.split_first() else {
        return;
    };
    let step = 1 + usize::from(control & 0x3f) * 97;
    let skip = control & 0x40 != 0;
    let gzip = control & 0x80 != 0;
    let bytes = if gzip {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(bytes).expect("in memory");
        gz.finish().expect("in memory")
    } else {
        bytes.to_vec()
    };
    let files = [common::Mem {
        path: "extractive_summary/gen_00.jsonl".into(),
        bytes,
        step,
    }];
    common::read_and_reread(&files, skip);
});
