//! The verification engine: the pure core (see issue 3).
