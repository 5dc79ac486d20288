//! What the edges hand the core: input files as byte sources, read as a stream (first pass) or by
//! range (second pass).

use std::collections::HashSet;
use std::io::Read;

use crate::error::{Error, ErrorKind};

/// An input file as the edges provide it: a path relative to what the user chose, and its bytes.
pub trait ByteSource {
    fn path(&self) -> &str;
    fn size(&self) -> u64;
    /// A fresh stream from the start; it owns what it reads, so a reader can keep it.
    fn open(&self) -> std::io::Result<Box<dyn Read>>;
    fn read_at(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>>;
    /// The widest gap between two wanted ranges that costs less to read through than a read of
    /// its own: a system call natively, a round trip to the browser's file reader in the page.
    fn read_through(&self) -> u64 {
        64 << 10
    }
}

/// A borrowed source is a source: the native edge lends its files, the page gives its own.
impl<S: ByteSource + ?Sized> ByteSource for &S {
    fn path(&self) -> &str {
        (**self).path()
    }
    fn size(&self) -> u64 {
        (**self).size()
    }
    fn open(&self) -> std::io::Result<Box<dyn Read>> {
        (**self).open()
    }
    fn read_at(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        (**self).read_at(offset, len)
    }
    fn read_through(&self) -> u64 {
        (**self).read_through()
    }
}

/// The sources in path order (stable: sources of one path keep the order given), each with the
/// name kmix knows it by in reports, the manifest and the second pass: its path, or for the second
/// and later sources of one path (two `final_seed_data.jsonl` picked from two runs) the path with
/// a copy number before the file's extensions, `final_seed_data (2).jsonl`, a name no other
/// source has.
pub fn in_path_order<S: ByteSource>(mut sources: Vec<S>) -> Vec<(String, S)> {
    sources.sort_by(|a, b| a.path().cmp(b.path()));
    let mut taken: HashSet<String> = sources.iter().map(|s| s.path().to_string()).collect();
    let mut named: Vec<(String, S)> = Vec::with_capacity(sources.len());
    for source in sources {
        let path = source.path();
        let repeated = named.last().is_some_and(|(_, last)| last.path() == path);
        let name = match repeated {
            false => path.to_string(),
            true => (2..)
                .map(|n| copy_name(path, n))
                .find(|name| !taken.contains(name))
                .unwrap_or_default(),
        };
        taken.insert(name.clone());
        named.push((name, source));
    }
    named
}

/// `gen/x.jsonl.gz` as its copy `n`: `gen/x (n).jsonl.gz`.
fn copy_name(path: &str, n: u32) -> String {
    let file_start = path.rfind(['/', '\\']).map_or(0, |i| i + 1);
    // From the second character: a leading dot starts a name, not an extension.
    let stem_end = (path[file_start..].char_indices().skip(1))
        .find(|&(_, c)| c == '.')
        .map_or(path.len(), |(i, _)| file_start + i);
    format!("{} ({n}){}", &path[..stem_end], &path[stem_end..])
}

/// A file name without the copy number of [`in_path_order`] (or a browser's, for a file saved
/// twice): `final_seed_data (2).jsonl` is told apart from `final_seed_data.jsonl` by its name only,
/// and read as the same kind.
pub fn without_copy_number(file: &str) -> String {
    let stem_end = (file.char_indices().skip(1))
        .find(|&(_, c)| c == '.')
        .map_or(file.len(), |(i, _)| i);
    let (stem, extensions) = file.split_at(stem_end);
    let original = stem
        .strip_suffix(')')
        .and_then(|s| s.rsplit_once(" ("))
        .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    match original {
        Some((stem, _)) => format!("{stem}{extensions}"),
        None => file.to_string(),
    }
}

/// An input file that could not be read: the error names it.
pub fn read_error(e: std::io::Error, file: &str) -> Error {
    Error::new(ErrorKind::Io, format!("cannot read the file: {e}")).in_file(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Named(&'static str);

    impl ByteSource for Named {
        fn path(&self) -> &str {
            self.0
        }
        fn size(&self) -> u64 {
            0
        }
        fn open(&self) -> std::io::Result<Box<dyn Read>> {
            Ok(Box::new(std::io::empty()))
        }
        fn read_at(&self, _: u64, _: usize) -> std::io::Result<Vec<u8>> {
            Ok(Vec::new())
        }
    }

    #[test]
    fn sources_of_one_path_get_names_of_their_own() {
        let sources = [
            "b/x.jsonl.gz",
            "a.jsonl",
            "b/x.jsonl.gz",
            "b/x (2).jsonl.gz",
            "a.jsonl",
        ];
        let named = in_path_order(sources.into_iter().map(Named).collect());
        let names: Vec<&str> = named.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "a.jsonl",
                "a (2).jsonl",
                "b/x (2).jsonl.gz",
                "b/x.jsonl.gz",
                "b/x (3).jsonl.gz"
            ]
        );
        assert_eq!(copy_name(".hidden", 2), ".hidden (2)");
        assert_eq!(
            without_copy_number("final_seed_data (2).jsonl"),
            "final_seed_data.jsonl"
        );
        assert_eq!(without_copy_number("qna (12).yaml"), "qna.yaml");
        assert_eq!(
            without_copy_number("notes (draft).jsonl"),
            "notes (draft).jsonl"
        );
    }
}
