# asli के जवाब, हिंदी। हर id en.ftl में भी है (यूनिट टेस्ट जांचता है)।
# पहली पंक्ति: इमोजी + अंग्रेज़ी कोड शब्द (contract §3), फिर हिंदी में।

headline-genuine = ✅ GENUINE — असली: यह पंजीकृत सरकारी नंबर है।
headline-impersonation = 🚫 FAKE — नकली: कोई अधिकारी बनकर धोखा दे रहा है।
headline-mismatch = 🚫 FAKE — नकली: यह नंबर किसी दूसरे अधिकारी का है।
headline-revoked = ⚠️ RETIRED — यह नंबर अब सरकारी नंबर नहीं है।
headline-reported = 🚫 REPORTED — यह नंबर ठगी के लिए रिपोर्ट हो चुका है।
headline-unregistered = ❓ UNVERIFIED — यह नंबर सरकारी रजिस्टर में नहीं है।
headline-no_number = 📎 NEED NUMBER — जिस नंबर से यह संदेश आया, उसका कॉन्टैक्ट कार्ड या नंबर भेजें।

number-line = 📞 { $number }
number-line-foreign = 📞 { $number } — विदेशी नंबर ({ $country })
number-verdict = { $line } — { $word }

belongs-to = 👤 यह { $name }, { $designation }, { $organization } का पंजीकृत नंबर है।
belonged-to = 👤 यह पहले { $name }, { $designation }, { $organization } का नंबर था — अब मान्य नहीं।
pretends = 🎭 { $name }, { $designation }, { $organization } बनने का दिखावा (असली नंबर { $registered })।
pretends-unlisted = 🎭 { $name }, { $designation }, { $organization } बनने का दिखावा।
could-be = 🎭 “{ $phrase }” { $count } पंजीकृत अधिकारियों में से कोई हो सकता है, जैसे { $names }।
not-registered = किसी अधिकारी का पंजीकृत नंबर नहीं।
reported-line = कर्मचारियों या एडमिन ने इस नंबर को ठगी का नंबर बताया है।

signals-line = ⚠️ ख़तरे के संकेत: { $list }।
signal-gift_card = गिफ्ट कार्ड या कोड मांग रहा है
signal-money_transfer = पैसे (UPI, ट्रांसफर, रिचार्ज) मांग रहा है या लौटाने का वादा
signal-urgency = जल्दबाज़ी करवा रहा है
signal-secrecy = बात छुपाने को कह रहा है
signal-unavailable = कहता है कि बात या कॉल नहीं कर सकता
signal-new_number = कहता है कि यह नया नंबर है
signal-foreign_number = विदेशी नंबर
signal-otp_request = OTP या कोड मांग रहा है
signal-link = लिंक भेजा है

advice-genuine = आप सामान्य रूप से जवाब दे सकते हैं।
advice-fake = 👉 पैसे न दें, कोई कोड न भेजें। WhatsApp पर नंबर ब्लॉक और रिपोर्ट करें, साथियों को सावधान करें।
advice-revoked = 👉 इस पर कोई काम न करें। कार्यालय से पंजीकृत नंबर पर बात करें।
advice-reported = 👉 जवाब या भुगतान न करें। WhatsApp पर नंबर ब्लॉक और रिपोर्ट करें।
advice-unregistered = 👉 यह कौन है, पक्का नहीं। कुछ भी करने से पहले अधिकारी को उनके जाने-पहचाने नंबर पर फ़ोन करें।
ask-number = 👉 { $minutes } मिनट के भीतर कॉन्टैक्ट कार्ड या नंबर भेजें, मैं इसे इस संदेश के साथ जांचूंगा।
signals-seen-line = ⚠️ इस संदेश में पहले से दिखे: { $list }।

warning = 🛡️ अधिकारी WhatsApp पर कभी गिफ्ट कार्ड, Apple/Amazon कोड, UPI पैसे या OTP नहीं मांगते। भुगतान न करें। पैसे गए? तुरंत 1930 पर कॉल करें या cybercrime.gov.in पर शिकायत करें।
reminder = 🛡️ याद रखें: अधिकारी WhatsApp पर कभी गिफ्ट कार्ड, कोड, UPI पैसे या OTP नहीं मांगते।

notice-language = ✅ ठीक है — अब से मैं हिंदी में जवाब दूंगा।
notice-slow-down = ⏳ एक साथ बहुत सारे संदेश। कृपया एक मिनट रुककर फिर भेजें।
notice-help = 👋 कोई संदिग्ध संदेश फ़ॉरवर्ड करें, भेजने वाले का कॉन्टैक्ट कार्ड शेयर करें, या उसका नंबर भेजें। मैं बताऊंगा कि यह सच में किसी पंजीकृत अधिकारी का है या नहीं। अंग्रेज़ी के लिए “english” लिखें।

country-LK = श्रीलंका
country-VN = वियतनाम
country-ID = इंडोनेशिया
country-MY = मलेशिया
country-ET = इथियोपिया
country-KE = केन्या
country-PK = पाकिस्तान
country-GB = ब्रिटेन
country-US = अमेरिका
country-CA = कनाडा
country-NP = नेपाल
country-BD = बांग्लादेश
country-AE = संयुक्त अरब अमीरात
country-NG = नाइजीरिया
country-PH = फ़िलीपींस
country-IN = भारत
