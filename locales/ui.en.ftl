# asli admin console — English. Every id here must also be in ui.hi.ftl (a test checks).

language-name = English
brand-sub = admin console
skip-to-content = Skip to content
nav-label = Main
nav-officials = Officials
nav-import = Import
nav-check = Check a message
nav-incidents = Reported numbers
nav-audit = Audit log
nav-dead-letters = Dead letters
nav-status = Status
role-admin = admin
role-viewer = viewer (read only)
sign-out = Sign out
cancel = Cancel
paging = Pages
page-first = First page
page-next = Next page

# Sign-in
sign-in-title = Sign in
sign-in-intro = Sign in with the admin or viewer token your office was given. It is checked, not stored in your browser.
sign-in-token = Token
sign-in-token-hint = The same token the admin API takes. Paste it; it is not shown.
sign-in-button = Sign in
sign-in-wrong-token = That token is not valid. Check it and try again; after several wrong tries this address is locked out for a few minutes.
sign-in-ended = Your session has ended. Sign in again to go on.

# Errors
error-back = Back to the console
error-bad-form-title = This form cannot be accepted
error-bad-form = The form has expired or did not come from this console. Nothing was changed. Go back, reload the page and try again.
error-read-only-title = Read only
error-read-only = Your token may read the registry but not change it. Nothing was changed.
error-not-found-title = Not found
error-not-found = There is nothing here. It may have been removed, or the address is wrong.
error-locked-out-title = Too many failed sign-ins
error-locked-out = Too many wrong tokens came from this address. Wait a few minutes, then sign in again.
error-bad-request-title = Something in the request is wrong
error-bad-request = The request could not be understood:
error-unavailable-title = Temporarily unavailable
error-unavailable = The service cannot reach its storage right now. Nothing was changed. Try again shortly.
error-internal-title = Something went wrong
error-internal = Something went wrong on our side. It has been logged. Nothing may have been changed; check before trying again.

# Officials
officials-title = Officials
officials-add = Add an official
officials-export = Export as CSV
officials-search = Search
officials-search-hint = Name, alias, post or office, in any script, or a number in any written form.
officials-filter = Show
officials-none = No officials match.
officials-shown = { $count ->
    [one] One official on this page
   *[other] { $count } officials on this page
}
officials-new-title = Add an official
officials-save-new = Add official
status-any = Any status
status-active = Active
status-revoked = Retired

# The official form
field-name = Name
field-aliases = Other names
field-aliases-hint = One per line: other spellings and scripts, e.g. अरविंद मेहता, A. Mehta.
field-designation = Post
field-designation_aliases = Other names of the post
field-designation_aliases-hint = One per line, e.g. Commissioner, आयुक्त, कमिश्नर.
field-organization = Office
field-phones = Numbers
field-phones-hint = Any written form: +91 70000 00001, 070000 00001, +९१ ७००००००००१. Label: official, personal, office or pa.
field-phone-number = Number { $n }
field-phone-label = Label of number { $n }
field-phones-add = Add another number
field-status = Status
field-valid_from = Valid from
field-valid_until = Valid until
field-date-hint = A date (YYYY-MM-DD); empty means no limit.
field-notes = Notes
field-notes-hint = For admins only; never sent to staff.
form-has-problems = Please correct these and save again:
problem-line = Line { $n }:
problem-required = This is required.
problem-too-long = This is too long.
problem-bad-characters = This contains characters that are not allowed (control or invisible characters).
problem-too-many = There are too many entries here.
problem-separator = The character | is not allowed here.
problem-label = A label is one short word, like official, personal, office or pa.
problem-duplicate = This number appears twice.
problem-not-a-number = This is not a phone number we can read. Write it like +91 70000 00001.
problem-date = Write a date like 2026-04-01.
problem-date-order = This date is before the "valid from" date.
problem-status = The status must be active or revoked.
problem-taken = This number already belongs to another official.
problem-bad-id = This is not an official id.
problem-number-owned = This number already belongs to { $name }. Remove it there first.

# One official
official-save = Save changes
official-history = History
official-meta = Id { $id } · version { $version } · changed { $updated }
official-retire-heading = Retire this official
official-retire-explain = Retired officials stay in the registry; their numbers answer RETIRED from then on.
official-retire = Retire
official-retire-confirm = Retire { $name }? Their numbers will answer RETIRED.
done-created = The official was added.
done-saved = Your changes were saved.
done-retired = The official was retired.

# Conflict
conflict-title = Changed by someone else meanwhile
conflict-explain = While you were editing, someone saved version { $version } of this official ({ $updated }). Your changes were not saved. Compare the two versions below.
conflict-field = Field
conflict-yours = Your version
conflict-theirs = Current version ({ $version })
conflict-reapply-heading = Apply your changes again
conflict-reapply-explain = The form below holds your changes and now refers to the current version. Saving it replaces the current version with yours.
conflict-reapply = Save my version
conflict-discard = Discard my changes
conflict-retire = Look at the current version below; retire again if it still should be.

# Import and export
import-title = Import officials
import-file = CSV or JSON file
import-file-hint = The first CSV line names the columns; only name is required. Columns:
import-check = Check the file (nothing is changed yet)
import-viewer = Only admins can import. You can export the registry below.
import-export-explain = The whole registry as CSV, in the form the import takes back.
import-no-file = Choose a file first.
import-wrong-format = Send a .csv or .json file.
import-bad-file = The file cannot be read:
import-rejected = { $count ->
    [one] The file has one problem. Nothing was changed.
   *[other] The file has { $count } problems. Nothing was changed.
}
import-row = Row
import-field = Field
import-problem = Problem
import-row-hint = Row 1 is the first line after the header.
import-preview-title = Check the import
import-preview-intro = This is what the file would do. Nothing has been changed yet.
import-created = New officials
import-updated = Changed officials
import-unchanged = Unchanged officials
import-nothing = The file changes nothing.
import-apply = Apply the import
import-apply-confirm = Apply this import to the registry now?
import-applied = Import applied: { $created } new, { $updated } changed, { $unchanged } unchanged.
import-expired = This preview has expired or was already applied. Upload the file again.
import-moved = The registry changed since the preview. Here is a new preview; check it and apply again.

# Check a message
check-title = Check a message
check-intro = Paste a message as staff would forward it, with the sender's number if you know it. You see the verdict and the reply exactly as the bot would send them. Nothing is sent.
check-text = Message
check-text-hint = The text of the message, as forwarded.
check-phone = Sender's number (optional)
check-phone-hint = In any written form, e.g. +94 71 234 5678.
check-button = Check
check-empty = Paste a message or type a number.
check-too-long = This message is too long to check.
check-result = Verdict
check-reply = The reply the bot would send
check-copy = Copy the reply
check-copied = Copied
check-numbers = Numbers
check-number = Number
check-country = Country
check-official = Official
check-signals = Warning signs
verdict-genuine = The number is an active registered number of the official.
verdict-impersonation = The message claims to be a registered official, from a number that is not theirs.
verdict-mismatch = The number is registered, but to a different official than the one claimed.
verdict-revoked = The number used to be an official's and no longer is.
verdict-reported = The number is a known scam number.
verdict-suspicious = The number is not registered and the message asks for gift cards, money or an OTP.
verdict-unregistered = The number is not in the registry and nothing names a registered official.
verdict-no_number = Nothing gives the sender's number; the bot asks for it.
number-active = Active
number-revoked = Retired
number-reported = Reported scam number
number-unknown = Not registered
signal-gift_card = Asks for gift cards or codes
signal-money_transfer = Asks for money
signal-urgency = Pressure to hurry
signal-secrecy = Asks for secrecy
signal-unavailable = Cannot talk or call
signal-new_number = Claims a new number
signal-foreign_number = Number from another country
signal-otp_request = Asks for an OTP
signal-link = Contains a link

# Incidents, audit, dead letters
incidents-title = Reported numbers
incidents-intro = Numbers seen impersonating officials, with how many staff reported them.
incidents-none = No number has been reported.
incidents-number = Number
incidents-reporters = Reporters
incidents-first = First seen
incidents-last = Last seen
incidents-claimed = Claimed to be
audit-title = Audit log
audit-actor = Who
audit-official = Official (id)
audit-action = Action
audit-when = When
audit-changes = Changes
audit-none = No entries match.
dead-title = Dead letters
dead-intro = Replies that could not be delivered, with the last error. Retrying puts one back in the queue.
dead-none = There are no dead letters.
dead-when = When
dead-error = Last error
dead-payload = Content
dead-show = Show
dead-retry = Retry
dead-retry-one = Retry dead letter { $id }
dead-retried = The dead letter is back in the queue.
dead-gone = That dead letter is no longer there; someone may have retried it already.

# Status
status-title = Status
status-ok = OK
status-problem = Problem
status-store = Storage
status-store-ok = answers.
status-store-down = does not answer. Webhooks are refused with 503 (Meta retries) until it is back.
status-whatsapp = WhatsApp
status-whatsapp-ok = the access token is accepted.
status-whatsapp-dry-run = dry run: replies are logged, not sent.
status-whatsapp-refused = Meta refuses the access token; replies are held until it is fixed.
status-queue = Queue
status-queue-line = { $ready } waiting, { $in_flight } being answered, { $delayed } waiting to retry.
status-dead = Dead letters
status-dead-none = none.
status-dead-some = { $count } replies could not be delivered.
status-registry = Registry
status-registry-size = version { $version }: { $count } officials, { $active } in office.
status-registry-version = version { $version }.
status-version = asli version
