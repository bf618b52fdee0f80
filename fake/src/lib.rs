//! In-process fake of the VideoGen Files API (skeleton; see issue 4).
