use serde_json::{Value, json};

use super::*;

fn to() -> Recipient {
    Recipient::wa_id("16505551234").unwrap()
}

fn json_of(m: &OutboundMessage) -> Value {
    serde_json::to_value(m).unwrap()
}

#[test]
fn a_text_reply_has_meta_s_exact_shape_with_previews_off_and_the_quote() {
    let m = OutboundMessage::text(to(), "hello / नमस्ते")
        .unwrap()
        .in_reply_to("wamid.ABC=");
    assert_eq!(
        json_of(&m),
        json!({"messaging_product":"whatsapp","recipient_type":"individual","to":"+16505551234",
               "context":{"message_id":"wamid.ABC="},"type":"text",
               "text":{"preview_url":false,"body":"hello / नमस्ते"}})
    );
}

#[test]
fn a_text_without_a_quote_has_no_context() {
    let m = OutboundMessage::text(to(), "hi").unwrap();
    assert!(json_of(&m).get("context").is_none());
}

#[test]
fn a_user_id_recipient_is_sent_as_recipient_not_to() {
    let m = OutboundMessage::text(Recipient::user_id("US.13491208655302741918").unwrap(), "hi")
        .unwrap();
    let v = json_of(&m);
    assert_eq!(v["recipient"], "US.13491208655302741918");
    assert!(v.get("to").is_none());
}

#[test]
fn a_phone_recipient_from_e164_gets_a_plus() {
    let number = E164::parse("+91 70000 00001", crate::phone::Region::INDIA).unwrap();
    let m = OutboundMessage::text(Recipient::phone(&number), "hi").unwrap();
    assert_eq!(json_of(&m)["to"], "+917000000001");
}

#[test]
fn text_up_to_4096_characters_is_accepted_and_longer_is_refused() {
    let max = "अ".repeat(MAX_TEXT_CHARS);
    assert!(OutboundMessage::text(to(), &max).is_ok());
    assert_eq!(
        OutboundMessage::text(to(), &format!("{max}a")),
        Err(OutboundError::TooLong {
            field: "text body",
            max: 4096,
            actual: 4097
        })
    );
    assert_eq!(
        OutboundMessage::text(to(), "  "),
        Err(OutboundError::Empty("text body"))
    );
}

#[test]
fn reply_buttons_have_meta_s_exact_shape() {
    let m = OutboundMessage::reply_buttons(
        to(),
        "Was this helpful?",
        &[
            ReplyButton::new("yes", "Yes"),
            ReplyButton::new("report", "Report scam"),
        ],
    )
    .unwrap()
    .in_reply_to("wamid.Q");
    assert_eq!(
        json_of(&m),
        json!({"messaging_product":"whatsapp","recipient_type":"individual","to":"+16505551234",
               "context":{"message_id":"wamid.Q"},"type":"interactive",
               "interactive":{"type":"button","body":{"text":"Was this helpful?"},
                 "action":{"buttons":[
                   {"type":"reply","reply":{"id":"yes","title":"Yes"}},
                   {"type":"reply","reply":{"id":"report","title":"Report scam"}}]}}})
    );
}

#[test]
fn reply_buttons_outside_meta_s_limits_are_refused_with_a_reason() {
    let b = |id: &str, title: &str| ReplyButton::new(id, title);
    let four = [b("a", "A"), b("b", "B"), b("c", "C"), b("d", "D")];
    assert_eq!(
        OutboundMessage::reply_buttons(to(), "x", &four),
        Err(OutboundError::ButtonCount(4))
    );
    assert_eq!(
        OutboundMessage::reply_buttons(to(), "x", &[]),
        Err(OutboundError::ButtonCount(0))
    );
    assert_eq!(
        OutboundMessage::reply_buttons(to(), "x", &[b("a", "A"), b("a", "B")]),
        Err(OutboundError::DuplicateButton("id"))
    );
    assert_eq!(
        OutboundMessage::reply_buttons(to(), "x", &[b("a", "Same"), b("b", "Same")]),
        Err(OutboundError::DuplicateButton("title"))
    );
    assert!(matches!(
        OutboundMessage::reply_buttons(to(), "x", &[b("a", &"t".repeat(21))]),
        Err(OutboundError::TooLong {
            field: "button title",
            ..
        })
    ));
    assert!(OutboundMessage::reply_buttons(to(), "x", &[b("a", &"t".repeat(20))]).is_ok());
    assert!(matches!(
        OutboundMessage::reply_buttons(to(), "x", &[b(&"i".repeat(257), "A")]),
        Err(OutboundError::TooLong {
            field: "button id",
            ..
        })
    ));
    assert!(matches!(
        OutboundMessage::reply_buttons(to(), &"x".repeat(1025), &[b("a", "A")]),
        Err(OutboundError::TooLong {
            field: "interactive body",
            ..
        })
    ));
}

#[test]
fn a_template_carries_name_language_and_body_parameters_in_order() {
    let m = OutboundMessage::template(to(), "order_update", "en_US", &["Pablo", "#1234"]).unwrap();
    assert_eq!(
        json_of(&m),
        json!({"messaging_product":"whatsapp","recipient_type":"individual","to":"+16505551234",
               "type":"template","template":{"name":"order_update","language":{"code":"en_US"},
                 "components":[{"type":"body","parameters":[
                   {"type":"text","text":"Pablo"},{"type":"text","text":"#1234"}]}]}})
    );
}

#[test]
fn a_template_without_parameters_has_no_components() {
    let m = OutboundMessage::template(to(), "hello_world", "en_US", &[]).unwrap();
    assert!(json_of(&m)["template"].get("components").is_none());
}

#[test]
fn a_reaction_has_meta_s_exact_shape_and_never_a_context() {
    let m = OutboundMessage::reaction(to(), "wamid.R", "\u{1F600}")
        .unwrap()
        .in_reply_to("wamid.ignored");
    assert_eq!(
        json_of(&m),
        json!({"messaging_product":"whatsapp","recipient_type":"individual","to":"+16505551234",
               "type":"reaction","reaction":{"message_id":"wamid.R","emoji":"😀"}})
    );
}

#[test]
fn mark_read_with_typing_has_meta_s_exact_shape() {
    let m = OutboundMessage::mark_read_with_typing("wamid.X").unwrap();
    assert_eq!(
        json_of(&m),
        json!({"messaging_product":"whatsapp","status":"read","message_id":"wamid.X",
               "typing_indicator":{"type":"text"}})
    );
    assert_eq!(m.recipient(), None);
    assert_eq!(m.read_message_id(), Some("wamid.X"));
    assert_eq!(m.kind_name(), "read");
}

#[test]
fn every_message_kind_round_trips_through_its_json() {
    let all = [
        OutboundMessage::text(to(), "hi")
            .unwrap()
            .in_reply_to("wamid.Q"),
        OutboundMessage::text(Recipient::user_id("US.1").unwrap(), "hi").unwrap(),
        OutboundMessage::reply_buttons(to(), "b", &[ReplyButton::new("a", "A")]).unwrap(),
        OutboundMessage::template(to(), "t", "hi", &["x"]).unwrap(),
        OutboundMessage::reaction(to(), "wamid.R", "").unwrap(),
        OutboundMessage::mark_read_with_typing("wamid.X").unwrap(),
    ];
    for m in all {
        let text = serde_json::to_string(&m).unwrap();
        let back: OutboundMessage = serde_json::from_str(&text).unwrap();
        assert_eq!(back, m, "{text}");
    }
}

#[test]
fn wa_ids_must_be_digits_and_are_masked_in_debug_output() {
    assert_eq!(
        WaId::parse("+919876543210").unwrap().digits(),
        "919876543210"
    );
    assert_eq!(WaId::parse("91-98765"), Err(OutboundError::InvalidWaId));
    assert_eq!(WaId::parse("१२३४५६७८९"), Err(OutboundError::InvalidWaId));
    let debug = format!("{:?}", to());
    assert!(!debug.contains("16505551234"), "{debug}");
}
