// The files a tokenizer's folder may hold, each with the key it goes by in the core's Tokenizer
// and the embedding API. Written once, in model-files.json, which the build script and the
// notebook's Python package read too.
export const MODEL_FILES = await fetch(new URL('./model-files.json', import.meta.url)).then((r) => r.json());

/** `{key: what(fileName)}` for every file a tokenizer may hold. */
export const byKey = (what) => Object.fromEntries(Object.entries(MODEL_FILES).map(([file, key]) => [key, what(file)]));
