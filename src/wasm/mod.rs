//! The wasm-bindgen facade the page's workers call: conversions between JS and the core only.
//! The coordinator worker reads the inputs ([`FirstPass`]), plans ([`Inputs`]) and drives a
//! [`Run`]; each pool worker turns the run's tasks into results with a [`Processor`]. The shapes
//! JS sees are declared once, in TypeScript ([`types`]), and written to `kmix.d.ts`.

mod browse;
mod checksum;
mod convert;
mod lines;
mod session;
mod source;
mod tokenizer;
mod types;
