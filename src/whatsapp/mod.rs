//! Everything that speaks Meta's WhatsApp Cloud API (see issue 2 and 4).
