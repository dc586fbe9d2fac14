# asli replies, English. Every message id here also exists in hi.ftl (a unit test checks).
# The first line of a verdict reply is the headline: emoji + the English code word (contract §3).

headline-genuine = ✅ GENUINE — this is a registered official number.
headline-impersonation = 🚫 FAKE — someone is pretending to be an official.
headline-mismatch = 🚫 FAKE — this number belongs to a different official.
headline-revoked = ⚠️ RETIRED — this number is no longer an official number.
headline-reported = 🚫 REPORTED — this is a known scam number.
headline-unregistered = ❓ UNVERIFIED — this number is not in the official registry.
headline-no_number = 📎 NEED NUMBER — send me the contact card or the number this came from.

number-line = 📞 { $number }
number-line-foreign = 📞 { $number } — foreign number ({ $country })
number-verdict = { $line } — { $word }

belongs-to = 👤 Registered to { $name }, { $designation }, { $organization }.
belonged-to = 👤 Used to belong to { $name }, { $designation }, { $organization } — not valid any more.
pretends = 🎭 Pretends to be { $name }, { $designation }, { $organization } (real number { $registered }).
pretends-unlisted = 🎭 Pretends to be { $name }, { $designation }, { $organization }.
could-be = 🎭 “{ $phrase }” could be { $count } registered officials, for example { $names }.
not-registered = Not a registered number of any official.
reported-line = Staff or admins reported this number as a scam.

signals-line = ⚠️ Warning signs: { $list }.
signal-gift_card = asks for gift cards or codes
signal-money_transfer = asks for money (UPI, transfer, recharge) or promises to pay back
signal-urgency = rushes you
signal-secrecy = asks you to keep it secret
signal-unavailable = says they cannot talk or call
signal-new_number = says it is a new number
signal-foreign_number = foreign number
signal-otp_request = asks for an OTP or code
signal-link = contains a link

advice-genuine = You can reply normally.
advice-fake = 👉 Do not pay and do not send any code. Block and report the number on WhatsApp, and warn your colleagues.
advice-revoked = 👉 Do not act on it. Contact the office on a registered number.
advice-reported = 👉 Do not reply or pay. Block and report the number on WhatsApp.
advice-unregistered = 👉 I cannot confirm who this is. Call the official on a number you know before doing anything.
ask-number = 👉 Send the contact card or the number within { $minutes } minutes and I will check it together with this message.
signals-seen-line = ⚠️ Already seen in this message: { $list }.

warning = 🛡️ Officials never ask for gift cards, Apple or Amazon codes, UPI transfers or OTPs on WhatsApp. Do not pay. Money lost? Call 1930 at once or report at cybercrime.gov.in.
reminder = 🛡️ Remember: officials never ask for gift cards, codes, UPI money or OTPs on WhatsApp.

notice-language = ✅ OK — I will reply in English from now on.
notice-slow-down = ⏳ Too many messages at once. Please wait a minute, then send again.
notice-help = 👋 Forward me a suspicious message, share the sender's contact card, or send their number. I will tell you whether it really belongs to a registered official. Type “hindi” for Hindi replies.

country-LK = Sri Lanka
country-VN = Vietnam
country-ID = Indonesia
country-MY = Malaysia
country-ET = Ethiopia
country-KE = Kenya
country-PK = Pakistan
country-GB = United Kingdom
country-US = United States
country-CA = Canada
country-NP = Nepal
country-BD = Bangladesh
country-AE = United Arab Emirates
country-NG = Nigeria
country-PH = Philippines
country-IN = India
