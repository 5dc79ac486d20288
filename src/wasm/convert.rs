//! Values between JS and the core: plain data through serde, one error conversion each way.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Error;

/// Plain JS values: objects, arrays, numbers, `null` for none; bytes as `Uint8Array`.
const SERIALIZER: serde_wasm_bindgen::Serializer =
    serde_wasm_bindgen::Serializer::json_compatible().serialize_bytes_as_arrays(false);

/// A core value as a plain JS value.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&SERIALIZER)
        .map_err(|e| error_to_js(Error::input(format!("cannot pass a value to JS: {e}"))))
}

/// A JS value as core data; `what` names it in the error.
pub fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| error_to_js(Error::input(format!("{what} is not as expected: {e}"))))
}

/// A core value as JSON text, for values only another wasm instance reads (one worker's to
/// another's: a string crosses between workers for less than an object of many small ones).
pub fn to_json<T: Serialize>(value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value)
        .map_err(|e| error_to_js(Error::input(format!("cannot pass a value on: {e}"))))
}

/// JSON text from [`to_json`] as core data; `what` names it in the error.
pub fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, JsValue> {
    serde_json::from_str(text)
        .map_err(|e| error_to_js(Error::input(format!("{what} is not as expected: {e}"))))
}

/// An error reaches JS as [`Error`]'s fields and `text`, the sentence a person reads.
pub fn error_to_js(e: Error) -> JsValue {
    #[derive(Serialize)]
    struct JsError {
        text: String,
        #[serde(flatten)]
        error: Error,
    }
    let text = e.to_string();
    JsError { text, error: e }
        .serialize(&SERIALIZER)
        .unwrap_or_else(|e| JsValue::from_str(&e.to_string()))
}

/// An error from JS (one that a worker passed on, or a thrown exception) as a core error.
pub fn error_from_js(value: JsValue) -> Error {
    if let Ok(error) = serde_wasm_bindgen::from_value::<Error>(value.clone()) {
        if !error.message.is_empty() {
            return error;
        }
    }
    let text = value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"));
    Error::io(text)
}

/// The core's results as JS results.
pub trait IntoJs<T> {
    fn into_js(self) -> Result<T, JsValue>;
}

impl<T> IntoJs<T> for crate::error::Result<T> {
    fn into_js(self) -> Result<T, JsValue> {
        self.map_err(error_to_js)
    }
}
