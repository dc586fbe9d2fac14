//! Every example payload of the Cloud API reference (§3.1–§3.10), plus the awkward cases.

use super::*;
use crate::whatsapp::errors::ErrorClass;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/webhooks/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

fn updates(name: &str) -> Vec<Update> {
    WebhookPayload::parse(&fixture(name))
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
        .updates()
}

fn only_message(name: &str) -> InboundMessage {
    match updates(name).as_slice() {
        [Update::Message(m)] => m.clone(),
        other => panic!("{name}: expected one message, got {other:?}"),
    }
}

fn statuses(name: &str) -> Vec<StatusUpdate> {
    updates(name)
        .into_iter()
        .map(|u| match u {
            Update::Status(s) => s,
            other => panic!("{name}: expected statuses, got {other:?}"),
        })
        .collect()
}

#[test]
fn a_text_message_is_normalised_with_sender_business_number_and_time() {
    let m = only_message("text");
    assert_eq!(
        m.id,
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA="
    );
    assert_eq!(m.phone_number_id, "106540352242922");
    assert_eq!(m.display_phone_number, "15550783881");
    assert_eq!(m.from.as_deref(), Some("16505551234"));
    assert_eq!(m.from_user_id, None);
    assert_eq!(m.profile_name.as_deref(), Some("Sheena Nelson"));
    assert_eq!(m.timestamp, 1_749_416_383);
    assert!(!m.forwarded && !m.frequently_forwarded);
    assert_eq!(m.context_id, None);
    assert_eq!(
        m.kind,
        MessageKind::Text {
            body: "Does it come in another color?".into()
        }
    );
    assert_eq!(
        m.text_for_analysis(),
        Some("Does it come in another color?")
    );
    assert_eq!(m.dedupe_key(), format!("msg:{}", m.id));
}

#[test]
fn a_quoted_reply_keeps_the_quoted_message_id() {
    let m = only_message("text_reply");
    assert_eq!(
        m.context_id.as_deref(),
        Some("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA")
    );
    assert!(!m.forwarded);
}

#[test]
fn forward_flags_are_read_from_the_context() {
    let once = only_message("forwarded");
    assert!(once.forwarded && !once.frequently_forwarded);
    let many = only_message("frequently_forwarded");
    assert!(many.frequently_forwarded && !many.forwarded);
    assert_eq!(many.text_for_analysis(), Some("text forwarded many times"));
}

#[test]
fn a_shared_contact_card_keeps_name_org_and_phones() {
    let MessageKind::Contacts { cards } = only_message("contacts").kind else {
        panic!("not contacts")
    };
    assert_eq!(cards.len(), 1);
    assert_eq!(
        cards[0].formatted_name().as_deref(),
        Some("Barbara J. Johnson")
    );
    assert_eq!(cards[0].company(), Some("Social Tsunami"));
    assert_eq!(
        cards[0].phones[0].phone.as_deref(),
        Some("+1 (415) 555-0829")
    );
    assert_eq!(cards[0].phones[0].wa_id.as_deref(), Some("14125550829"));
    assert_eq!(cards[0].phones[0].kind.as_deref(), Some("MOBILE"));
}

#[test]
fn several_partial_contact_cards_all_parse() {
    let m = only_message("contacts_three_cards");
    assert_eq!(m.profile_name.as_deref(), Some("Clerk"));
    let MessageKind::Contacts { cards } = m.kind else {
        panic!("not contacts")
    };
    assert_eq!(cards.len(), 3);
    assert_eq!(cards[0].title(), Some("Municipal Commissioner"));
    assert_eq!(cards[0].phones.len(), 2);
    assert_eq!(cards[0].phones[1].wa_id, None);
    assert_eq!(
        cards[0].emails[0].email.as_deref(),
        Some("commissioner@dewas.example")
    );
    assert_eq!(
        cards[0].urls[0].url.as_deref(),
        Some("https://dewas.example/")
    );
    assert_eq!(cards[0].addresses[0].city.as_deref(), Some("Dewas"));
    assert_eq!(cards[1].formatted_name().as_deref(), Some("Sir"));
    assert!(cards[2].phones.is_empty());
}

#[test]
fn an_image_keeps_its_caption_for_analysis() {
    let m = only_message("image");
    assert_eq!(
        m.kind,
        MessageKind::Media {
            media_type: MediaType::Image,
            caption: Some("Taj Mahal".into()),
            id: "1003383421387256".into(),
            mime_type: Some("image/jpeg".into()),
            filename: None,
        }
    );
    assert_eq!(m.text_for_analysis(), Some("Taj Mahal"));
}

#[test]
fn a_forwarded_document_keeps_file_name_and_forward_flag() {
    let m = only_message("document");
    assert!(m.forwarded);
    let MessageKind::Media {
        media_type,
        filename,
        ..
    } = &m.kind
    else {
        panic!("not media")
    };
    assert_eq!(*media_type, MediaType::Document);
    assert_eq!(filename.as_deref(), Some("order.pdf"));
}

#[test]
fn a_button_reply_and_a_list_reply_give_the_id_we_set_and_the_title() {
    let b = only_message("interactive_button_reply");
    assert_eq!(
        b.kind,
        MessageKind::Interactive {
            reply_id: Some("cancel-button".into()),
            title: Some("Cancel".into())
        }
    );
    assert!(b.context_id.is_some());
    let l = only_message("interactive_list_reply");
    assert_eq!(
        l.kind,
        MessageKind::Interactive {
            reply_id: Some("priority_express".into()),
            title: Some("Priority Mail Express".into())
        }
    );
}

#[test]
fn an_interactive_message_without_its_object_or_of_another_kind_still_parses() {
    let empty = MessageKind::Interactive {
        reply_id: None,
        title: None,
    };
    assert_eq!(only_message("interactive_without_object").kind, empty);
    assert_eq!(only_message("interactive_nfm_reply").kind, empty);
}

#[test]
fn a_template_quick_reply_button_gives_payload_and_text() {
    let m = only_message("button");
    assert_eq!(
        m.kind,
        MessageKind::Button {
            payload: Some("Unsubscribe".into()),
            text: Some("Unsubscribe".into())
        }
    );
    assert_eq!(m.text_for_analysis(), Some("Unsubscribe"));
}

#[test]
fn a_sent_status_with_conversation_and_pricing_is_normalised() {
    let s = statuses("status_sent");
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].status, DeliveryStatus::Sent);
    assert_eq!(s[0].timestamp, 1_750_030_073);
    assert_eq!(s[0].recipient_id.as_deref(), Some("16505551234"));
    assert!(s[0].errors.is_empty());
    assert_eq!(
        s[0].dedupe_key(),
        "status:wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=:sent"
    );
}

#[test]
fn a_minimal_v24_status_parses() {
    assert_eq!(
        statuses("status_read_minimal")[0].status,
        DeliveryStatus::Read
    );
}

#[test]
fn failed_statuses_carry_classified_errors_and_unknown_statuses_are_kept() {
    let s = statuses("status_failed");
    assert_eq!(s.len(), 3);
    assert_eq!(s[0].status, DeliveryStatus::Failed);
    assert_eq!(s[0].errors[0].code, 131049);
    assert_eq!(s[0].errors[0].class(), ErrorClass::Permanent);
    assert!(
        s[0].errors[0]
            .details()
            .unwrap()
            .contains("healthy ecosystem")
    );
    assert_eq!(s[1].errors[0].class(), ErrorClass::NeedsTemplate);
    assert_eq!(s[2].status, DeliveryStatus::Unknown("deleted".into()));
    assert_eq!(s[2].recipient_id, None);
    assert_eq!(
        s[2].recipient_user_id.as_deref(),
        Some("US.13491208655302741918")
    );
    assert!(s[2].dedupe_key().ends_with(":deleted"));
}

#[test]
fn a_value_level_error_becomes_an_error_update() {
    let all = updates("errors");
    let [Update::Error(e)] = all.as_slice() else {
        panic!("expected one error update")
    };
    assert_eq!(e.waba_id.as_deref(), Some("102290129340398"));
    assert_eq!(e.phone_number_id.as_deref(), Some("106540352242922"));
    assert_eq!(e.error.code, 130429);
    assert_eq!(e.origin, ErrorOrigin::Meta);
    assert!(e.class().is_retryable());
}

#[test]
fn unsupported_messages_with_and_without_the_inner_object_are_kept() {
    assert_eq!(
        only_message("unsupported").kind,
        MessageKind::Unsupported {
            detail: Some("edit".into())
        }
    );
    assert_eq!(
        only_message("unsupported_without_object").kind,
        MessageKind::Unsupported {
            detail: Some("Message type is currently not supported.".into())
        }
    );
}

#[test]
fn reactions_and_their_removal_parse() {
    let emoji = |name| match only_message(name).kind {
        MessageKind::Reaction { emoji, message_id } => {
            assert!(message_id.is_some());
            emoji
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(emoji("reaction").as_deref(), Some("😮"));
    assert_eq!(emoji("unreaction_empty").as_deref(), Some(""));
    assert_eq!(emoji("unreaction_no_emoji"), None);
}

#[test]
fn a_location_keeps_coordinates_and_name() {
    let MessageKind::Location {
        latitude,
        longitude,
        name,
        address,
    } = only_message("location").kind
    else {
        panic!("not a location")
    };
    assert_eq!((latitude, longitude), (Some(12.25089), Some(43.90539)));
    assert_eq!(name.as_deref(), Some("Collectorate"));
    assert_eq!(address.as_deref(), Some("Civil Lines"));
}

#[test]
fn a_number_change_without_contacts_gives_the_new_wa_id() {
    let m = only_message("system");
    assert_eq!(m.profile_name, None);
    assert_eq!(m.from.as_deref(), Some("972987654321"));
    assert_eq!(
        m.kind,
        MessageKind::System {
            body: Some("User A changed from 972987654321 to 972912345678".into()),
            new_wa_id: Some("972912345678".into())
        }
    );
}

#[test]
fn orders_and_unknown_future_types_are_kept_by_name() {
    assert_eq!(
        only_message("order").kind,
        MessageKind::Other {
            type_name: "order".into()
        }
    );
    let poll = only_message("poll");
    assert_eq!(
        poll.kind,
        MessageKind::Other {
            type_name: "poll".into()
        }
    );
    assert_eq!(poll.text_for_analysis(), None);
}

#[test]
fn a_username_user_without_a_phone_number_is_identified_by_user_id() {
    let m = only_message("username_only");
    assert_eq!(m.from, None);
    assert_eq!(m.from_user_id.as_deref(), Some("IN.13491208655302741918"));
    assert_eq!(m.profile_name.as_deref(), Some("Asha"));
    assert_eq!(m.username.as_deref(), Some("asha.k"));
}

#[test]
fn a_batch_yields_every_item_of_every_entry_and_change_in_order() {
    let all = updates("batch");
    let ids: Vec<String> = all
        .iter()
        .map(|u| match u {
            Update::Message(m) => format!("{}@{}", m.id, m.phone_number_id),
            Update::Status(s) => format!("{}:{}", s.id, s.status),
            Update::Error(e) => format!("error {}", e.error),
        })
        .collect();
    assert_eq!(
        ids,
        [
            "wamid.BATCH01=@PNID1",
            "wamid.BATCH02=@PNID1",
            "wamid.BATCH03=@PNID1",
            "wamid.OUT1=:delivered",
            "wamid.OUT1=:read",
            "wamid.BATCH04=@PNID2",
            "wamid.BATCH05=@PNID2",
            "wamid.BATCH06=@PNID2",
            "wamid.BATCH07=@PNID2",
        ]
    );
    let names: Vec<Option<&str>> = all
        .iter()
        .filter_map(|u| match u {
            Update::Message(m) => Some(m.profile_name.as_deref()),
            _ => None,
        })
        .collect();
    assert_eq!(
        names,
        [
            Some("A"),
            Some("B"),
            Some("A"),
            Some("C"),
            Some("C"),
            Some("D"),
            Some("D")
        ]
    );
    let keys: std::collections::HashSet<_> = all.iter().filter_map(Update::dedupe_key).collect();
    assert_eq!(keys.len(), 9, "every update has its own dedupe key");
}

#[test]
fn escaped_non_ascii_emoji_surrogates_and_slashes_decode_to_the_real_text() {
    let m = only_message("escapes");
    assert_eq!(
        m.text_for_analysis(),
        Some("J'ai mangé des pâtes 😀 https://amzn.example/gift 50/50")
    );
    assert_eq!(m.profile_name.as_deref(), Some("Renée अरविंद"));
}

#[test]
fn garbage_and_foreign_payloads_are_refused_with_a_short_reason() {
    for body in [&b""[..], b"not json", b"{\"object\":", b"\xff\xfe"] {
        assert!(
            matches!(WebhookPayload::parse(body), Err(PayloadError::NotJson(_))),
            "{body:?}"
        );
    }
    for body in [
        &b"[]"[..],
        b"42",
        b"{}",
        b"{\"object\":\"whatsapp_business_account\",\"entry\":7}",
    ] {
        assert!(
            matches!(WebhookPayload::parse(body), Err(PayloadError::Malformed(_))),
            "{body:?}"
        );
    }
    assert_eq!(
        WebhookPayload::parse(br#"{"object":"page","entry":[]}"#).unwrap_err(),
        PayloadError::NotWhatsApp("page".into())
    );
}

#[test]
fn a_refusal_reason_never_quotes_the_body() {
    let body = br#"{"object":"whatsapp_business_account","entry":[{"changes":"SECRET-TEXT"}]}"#;
    let reason = WebhookPayload::parse(body).unwrap_err().to_string();
    assert!(!reason.contains("SECRET-TEXT"), "{reason}");
}

#[test]
fn one_misshapen_message_does_not_lose_the_others_of_its_batch() {
    let body = br#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
        "metadata":{"display_phone_number":"1","phone_number_id":"P"},
        "messages":[
          {"from":"919800000001","id":"wamid.BAD=","timestamp":"5","type":"text","text":{"body":42}},
          {"from":"919800000001","timestamp":"6","type":"text","text":{"body":"no id"}},
          {"from":"919800000001","id":"wamid.GOOD=","timestamp":"7","type":"text","text":{"body":"fine"}}],
        "statuses":[{"id":"wamid.S="}]}}]}]}"#;
    let all = WebhookPayload::parse(body).unwrap().updates();
    assert_eq!(all.len(), 4);
    let Update::Message(bad) = &all[0] else {
        panic!("{:?}", all[0])
    };
    assert_eq!(bad.id, "wamid.BAD=");
    assert_eq!(bad.timestamp, 5);
    assert!(
        matches!(&bad.kind, MessageKind::Unsupported { detail: Some(d) } if d.contains("text"))
    );
    assert!(matches!(&all[1], Update::Error(e)
        if e.origin == ErrorOrigin::Unreadable && e.class() == ErrorClass::Permanent));
    assert!(matches!(&all[2], Update::Message(m) if m.id == "wamid.GOOD="));
    assert!(matches!(&all[3], Update::Error(e) if e.phone_number_id.as_deref() == Some("P")));
}

#[test]
fn numeric_timestamps_and_unknown_fields_are_accepted() {
    let body = br#"{"object":"whatsapp_business_account","future":1,"entry":[{"changes":[{"value":{
        "metadata":{"phone_number_id":"P","new":true},
        "messages":[{"from":"1","id":"wamid.N=","timestamp":1700000000,"type":"text","text":{"body":"x","extra":[1]},"brand_new":{}}]}}]}]}"#;
    let all = WebhookPayload::parse(body).unwrap().updates();
    let [Update::Message(m)] = all.as_slice() else {
        panic!("one message")
    };
    assert_eq!(m.timestamp, 1_700_000_000);
    assert_eq!(m.display_phone_number, "");
}

#[test]
fn a_stored_inbound_message_round_trips_through_json() {
    for name in [
        "text",
        "contacts_three_cards",
        "image",
        "location",
        "poll",
        "username_only",
    ] {
        let m = only_message(name);
        let back: InboundMessage =
            serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(back, m, "{name}");
    }
    let all = updates("batch");
    let back: Vec<Update> = serde_json::from_str(&serde_json::to_string(&all).unwrap()).unwrap();
    assert_eq!(back, all);
}

#[test]
fn replies_go_to_the_sender_s_wa_id_or_else_to_their_user_id() {
    use crate::whatsapp::outbound::Recipient;
    assert_eq!(
        only_message("text").reply_to(),
        Some(Recipient::wa_id("16505551234").unwrap())
    );
    assert_eq!(
        only_message("username_only").reply_to(),
        Some(Recipient::UserId("IN.13491208655302741918".into()))
    );
    let mut nobody = only_message("text");
    nobody.from = Some("not-digits".into());
    assert_eq!(nobody.reply_to(), None);
}
