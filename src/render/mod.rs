//! Rendering: a record becomes the training conversation (built once, [`Rendered`], for its
//! count and its line), its metadata and its JSON line.

mod cuts;
mod line;
mod message;

pub use cuts::{lines_for_cuts, CutLines};
pub use line::write_row;
pub use message::{clean_response, conversation, metadata, Message, RaftLine, Rendered};
