//! Interned texts: generation output repeats each augmentation and source chunk on every Q&A row,
//! so each distinct text is stored once and rows refer to it by id.

use std::collections::HashMap;
use std::sync::Arc;

pub type TextId = u32;

#[derive(Debug, Default)]
pub struct Texts {
    ids: HashMap<Arc<str>, TextId>,
    texts: Vec<Arc<str>>,
}

impl Texts {
    pub fn intern(&mut self, text: String) -> TextId {
        if let Some(&id) = self.ids.get(text.as_str()) {
            return id;
        }
        let id = self.texts.len() as TextId;
        let text: Arc<str> = text.into();
        self.ids.insert(text.clone(), id);
        self.texts.push(text);
        id
    }

    pub fn get(&self, id: TextId) -> &str {
        &self.texts[id as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_an_id() {
        let mut t = Texts::default();
        let a = t.intern("doc".into());
        let b = t.intern("other".into());
        assert_eq!(t.intern("doc".into()), a);
        assert_ne!(a, b);
        assert_eq!(t.get(b), "other");
    }
}
