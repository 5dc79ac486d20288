//! Rendering: a record becomes the training conversation, its metadata and its JSON line.

mod cuts;
mod line;
mod message;

pub use cuts::{lines_for_cuts, CutLines};
pub use line::write_row;
pub use message::{clean_response, conversation, metadata, shared_context, Message};
