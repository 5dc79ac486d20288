//! A file in memory whose stream gives at most `step` bytes a read: the readers must not depend
//! on where reads split the bytes.

use std::io::Read;

use kmix::source::ByteSource;

pub struct Mem {
    pub path: String,
    pub bytes: Vec<u8>,
    pub step: usize,
}

struct Trickle {
    bytes: Vec<u8>,
    at: usize,
    step: usize,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.step).min(self.bytes.len() - self.at);
        buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

impl ByteSource for Mem {
    fn path(&self) -> &str {
        &self.path
    }
    fn size(&self) -> u64 {
        self.bytes.len() as u64
    }
    fn open(&self) -> std::io::Result<Box<dyn Read>> {
        Ok(Box::new(Trickle {
            bytes: self.bytes.clone(),
            at: 0,
            step: self.step.max(1),
        }))
    }
    fn read_at(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        self.bytes
            .get(offset as usize..offset as usize + len)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| std::io::Error::other("beyond the end"))
    }
}

/// Reads `files`, and when that succeeds plans and reads every planned row again: no input may
/// panic, and every row the first pass indexed must read back.
pub fn read_and_reread(files: &[Mem], skip_bad_rows: bool) {
    let sources: Vec<&dyn ByteSource> = files.iter().map(|f| f as _).collect();
    let options = kmix::read::ReadOptions {
        skip_bad_rows,
        max_row_bytes: 1 << 20,
    };
    let Ok(index) = kmix::read::read_inputs(&sources, options) else {
        return;
    };
    let params = kmix::mix::MixParams {
        cuts: kmix::mix::Cuts::new(&[1, 2]).unwrap(),
        ..Default::default()
    };
    let Ok(mix) = kmix::mix::plan(&index, &params) else {
        return;
    };
    let mut rereader = kmix::reread::Rereader::new(&index.files, &sources).expect("the same files");
    let rows: Vec<_> = mix.selected.iter().map(|&i| index.rows[i]).collect();
    rereader
        .records(&rows)
        .expect("every indexed row reads back");
}
