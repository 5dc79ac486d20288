//! The page's files as byte sources: a `Blob`/`File`, read in slices so that only what is being
//! parsed is ever in wasm memory, or bytes (tests, small inputs).

use std::io::Read;

use wasm_bindgen::{JsCast, JsValue};

use super::convert::error_to_js;
use crate::error::Error;
use crate::source::ByteSource;

pub struct JsSource {
    path: String,
    data: JsData,
}

enum JsData {
    Bytes(std::rc::Rc<[u8]>),
    Blob(web_sys::Blob),
}

/// Slice size for streaming a Blob: large enough that the browser's cost per read vanishes.
const BLOB_SLICE: usize = 4 << 20;

/// A read of a Blob's range costs about 0.75 ms on top of its bytes, and the bytes come at about
/// 2.5 ms per MB (Chromium, measured with FileReaderSync, `arrayBuffer` and byte streams alike):
/// a gap narrower than this costs less to read through.
const BLOB_READ_THROUGH: u64 = 256 << 10;

impl JsSource {
    pub fn new(path: String, data: JsValue) -> Result<Self, JsValue> {
        let data = if let Some(blob) = data.dyn_ref::<web_sys::Blob>() {
            JsData::Blob(blob.clone())
        } else if let Some(bytes) = data.dyn_ref::<js_sys::Uint8Array>() {
            JsData::Bytes(bytes.to_vec().into())
        } else {
            return Err(error_to_js(
                Error::input("expected a Blob or a Uint8Array").in_file(path),
            ));
        };
        Ok(JsSource { path, data })
    }

    /// The file as the page gave it: its Blob, or (a copy of) its bytes.
    pub fn data(&self) -> JsValue {
        match &self.data {
            JsData::Bytes(bytes) => js_sys::Uint8Array::from(&bytes[..]).into(),
            JsData::Blob(blob) => blob.into(),
        }
    }

    /// `[{path, data}]` as the page hands files over.
    pub fn list(files: JsValue) -> Result<Vec<JsSource>, JsValue> {
        let files: Vec<GivenFile> = serde_wasm_bindgen::from_value(files).map_err(|e| {
            error_to_js(Error::input(format!(
                "expected a list of {{path, data}}: {e}"
            )))
        })?;
        (files.into_iter())
            .map(|f| JsSource::new(f.path, f.data))
            .collect()
    }
}

/// A file as the page hands it over: its path, and a Blob or bytes (checked by `JsSource::new`).
#[derive(serde::Deserialize)]
struct GivenFile {
    path: String,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    data: JsValue,
}

/// Bytes `[offset, offset + len)` of a Blob, through the worker-only synchronous reader.
fn blob_slice(blob: &web_sys::Blob, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
    Ok(blob_bytes(blob, offset, len)?.to_vec())
}

/// The same bytes as a view of the buffer the browser read them into, to copy where they go.
fn blob_bytes(
    blob: &web_sys::Blob,
    offset: u64,
    len: usize,
) -> std::io::Result<js_sys::Uint8Array> {
    let io = |e: JsValue| std::io::Error::other(format!("{e:?}"));
    let slice = blob
        .slice_with_f64_and_f64(offset as f64, (offset + len as u64) as f64)
        .map_err(io)?;
    let buffer = web_sys::FileReaderSync::new()
        .map_err(io)?
        .read_as_array_buffer(&slice)
        .map_err(io)?;
    Ok(js_sys::Uint8Array::new(&buffer))
}

/// Reads a Blob forward in large slices.
struct BlobReader {
    blob: web_sys::Blob,
    position: u64,
    size: u64,
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let len = (buf.len().min(BLOB_SLICE) as u64).min(self.size - self.position) as usize;
        if len == 0 {
            return Ok(0);
        }
        let bytes = blob_bytes(&self.blob, self.position, len)?;
        let read = bytes.length() as usize;
        bytes.copy_to(&mut buf[..read]); // straight into the reader's buffer: no copy between
        self.position += read as u64;
        Ok(read)
    }
}

impl ByteSource for JsSource {
    fn path(&self) -> &str {
        &self.path
    }
    fn size(&self) -> u64 {
        match &self.data {
            JsData::Bytes(b) => b.len() as u64,
            JsData::Blob(b) => b.size() as u64,
        }
    }
    fn open(&self) -> std::io::Result<Box<dyn Read>> {
        Ok(match &self.data {
            JsData::Bytes(b) => Box::new(std::io::Cursor::new(b.clone())),
            JsData::Blob(blob) => Box::new(std::io::BufReader::with_capacity(
                BLOB_SLICE,
                BlobReader {
                    blob: blob.clone(),
                    position: 0,
                    size: blob.size() as u64,
                },
            )),
        })
    }
    fn read_at(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        match &self.data {
            JsData::Bytes(b) => b
                .get(offset as usize..offset as usize + len)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| std::io::Error::other("range beyond the end of the file")),
            JsData::Blob(blob) => blob_slice(blob, offset, len),
        }
    }
    fn read_through(&self) -> u64 {
        match &self.data {
            JsData::Bytes(_) => 0, // a copy of exactly the bytes wanted
            JsData::Blob(_) => BLOB_READ_THROUGH,
        }
    }
}
