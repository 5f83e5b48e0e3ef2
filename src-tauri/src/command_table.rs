// The one list of the app's IPC commands: each command's name, the module of its handler,
// what the handler is given (`state`, and `app` where it needs the window), its arguments
// with their Rust types, and what it answers. Everything else is derived from this list:
//
// - the Tauri commands themselves and the handler list (`ipc.rs`), so a command's name and
//   its argument names are exactly these, and the types are checked by the compiler against
//   the handler;
// - the names the build script declares (`build.rs` includes this file), which Tauri turns
//   into `allow-…` permissions;
// - the capability `capabilities/default.json`, and the UI's `ui/src/lib/backend/generated/
//   commands.ts` (the `Commands` interface with the TypeScript types ts-rs gives these Rust
//   types), both written by `cargo test -p opendvc-app` with OPENDVC_BLESS=1 and checked for
//   staleness otherwise.
//
// This file holds nothing but the macro, because the build script includes it too (it only
// reads the names there). Every command rejects with an `IpcError` (`error.rs`).
macro_rules! with_commands {
    ($callback:ident) => {
        $callback! {
            /// Who is signed in, the language, and whether the portal answered lately. Never fails.
            commands::session_state(state) -> SessionState;
            /// What the first screen needs at start, in one answer: the session and, when a
            /// citizen is signed in, their dashboard and saved drafts from the cache, with the
            /// count of change events told so far. Never fails.
            commands::start_state(state) -> StartView;
            /// How many change events the shell has sent so far; the UI compares it with the
            /// start state's count once it listens, to learn whether it missed one.
            commands::changes_told(state) -> u32;
            /// Asks the portal to text a one-time code to the registered phone.
            commands::request_otp(state; id_number: String) -> OtpAccepted;
            /// Exchanges the code for tokens, stores them, and starts the first sync.
            commands::sign_in(state; id_number: String, otp: String) -> SessionState;
            /// Ends the session on the portal (when online) and forgets the tokens; unsent items stay.
            commands::sign_out(state) -> SessionState;
            /// What needs the person now, from the cache.
            commands::dashboard(state) -> DashboardView;
            /// The person's applications from the cache, newest first.
            commands::applications(state) -> ApplicationsView;
            /// One application from the cache; `not_found` when unknown.
            commands::application(state; id: String) -> ApplicationView;
            /// The wallet with validity and reminder choices.
            commands::documents(state) -> Vec<WalletEntry>;
            /// The cached catalog of procedures.
            commands::catalog(state) -> Catalog;
            /// Searches the catalog in any language, with or without diacritics, best match first.
            commands::search_catalog(state; query: String) -> Vec<Procedure>;
            /// One procedure of the catalog; `not_found` when unknown.
            commands::procedure(state; id: String) -> Procedure;
            /// One value checked by its field kind as the person types, by the rules the core and
            /// the portal share: the value as it would be kept (a phone as `+84…`) or the
            /// problem's Fluent id. Never needs the network.
            commands::check_field(state; kind: FieldKind, value: String) -> FieldCheck;
            /// Every problem of a draft against its procedure in the cached catalog, each a field
            /// and a Fluent id; empty when `submit` would queue it.
            commands::check_draft(state; draft: DraftView) -> Vec<FieldProblem>;
            /// What a draft costs, offline from the cached catalog, by the fee computation the
            /// portal charges with: each line and the total, or the fee cases to choose from
            /// when the form does not decide which applies (`feeCase` is the choice).
            commands::quote_fee(state; draft: DraftView, fee_case: Option<String>) -> FeeQuoteView;
            /// Takes a picked file for a draft: in memory on a shared device, else staged in the
            /// data folder, so a queued submission can upload it later. `base64` is its content.
            commands::stage_attachment(state; file_name: String, content_type: String, base64: String) -> StagedView;
            /// Who used my data: one page of the portal's access log, newest first; `cursor` asks
            /// for the next (older) page. The citizen's own sign-in only; nothing of it is kept.
            commands::access_log(state; cursor: Option<String>) -> AccessLogView;
            /// Puts a new application into the durable queue, then tries to send it at once.
            commands::submit(state; draft: DraftView) -> SubmitResult;
            /// Keeps an application being prepared on this device as the person types (the UI
            /// saves it after a pause and on leaving a page); answers it as kept, stamped.
            commands::save_draft(state; draft: SavedDraft) -> SavedDraft;
            /// The applications started on this device and not yet submitted, the one touched
            /// last first, as Home lists them.
            commands::drafts(state) -> Vec<DraftSummary>;
            /// A saved draft to carry on with; a picked file this device no longer holds is named
            /// in `pickAgain`. `unknown_draft` when it is gone.
            commands::resume_draft(state; id: Uuid) -> SavedDraft;
            /// Forgets a saved draft; the UI asks for confirmation first.
            commands::discard_draft(state; id: Uuid) -> ();
            /// What a procedure's form starts with: values from the profile, the addresses with
            /// their unit and the wallet (the `picked` documents first), and the person's
            /// previous answers offered, never filled in.
            commands::prefill(state; procedure_id: String, picked: Vec<Uuid>) -> PrefillView;
            /// Asks the portal to send a code confirming a new phone or e-mail (and, for a phone,
            /// one to the old phone); offline it fails with `offline`.
            commands::request_contact_code(state; kind: ContactKind, value: String) -> ContactCodesSent;
            /// Changes the profile at the portal (only the fields sent, contacts with their
            /// codes) and caches what the portal stored; never queued, offline it fails with
            /// `offline`.
            commands::update_profile(state; patch: ProfilePatch) -> Profile;
            /// Puts a follow-up on an application into the queue, then tries to send it at once.
            commands::follow_up(state; application_id: String, action: FollowUpInput) -> SubmitResult;
            /// The feedback screen from the cache: what waits on this device, the resident's
            /// items with the running clock in words, and the services the form offers.
            commands::feedback_screen(state) -> FeedbackScreenView;
            /// The services feedback is filed in, fetched from the portal and cached; offline, the
            /// cached list.
            commands::feedback_services(state) -> FeedbackServices;
            /// One feedback item from the cache with its timeline; `null` when it is not there.
            commands::feedback_item(state; id: Uuid) -> Option<FeedbackView>;
            /// Puts new feedback (photos in base64, resized by the core) into the durable queue,
            /// then tries to send it at once; refused fields are named in `fields`.
            commands::file_feedback(state; feedback: FeedbackInput) -> SubmitResult;
            /// Puts a rating or a reopening of a feedback item into the queue, then tries to send
            /// it at once.
            commands::feedback_follow_up(state; feedback_id: Uuid, action: FeedbackActionInput) -> SubmitResult;
            /// The "Pay" step of an application from the cache: what is due, its payments and
            /// whether paying can start (never offline).
            payments::payment_step(state; application_id: Uuid) -> PaymentStepView;
            /// The application and its payments asked of the portal, cached, as the "Pay" step;
            /// offline, the cached step.
            payments::refresh_payments(state; application_id: Uuid) -> PaymentStepView;
            /// Starts paying at the portal, never queued: offline it fails with `offline`. For
            /// VNPay the provider's page opens in the system browser; it comes back through
            /// `opendvc://payments/{id}`.
            payments::pay(state, app; application_id: Uuid, method: PaymentMethod) -> Payment;
            /// Opens the provider's page of a pending VNPay payment again in the system browser.
            payments::open_payment_page(state, app; payment_id: Uuid) -> Payment;
            /// The payment a deep link names, refreshed from the portal with its application.
            payments::refresh_payment(state; payment_id: Uuid) -> Payment;
            /// The electronic receipts kept on this device, newest first.
            payments::payment_receipts(state) -> Vec<PaymentReceiptEntry>;
            /// Every queue item not yet purged, oldest first.
            commands::queue(state) -> Vec<QueueItemView>;
            /// Sends an item again now (after the person fixed what it needed).
            commands::queue_retry(state; id: Uuid) -> QueueItemView;
            /// Removes an item the person chose to give up; the UI asks for confirmation first.
            commands::queue_discard(state; id: Uuid) -> DiscardResult;
            /// Pulls changes from the portal and drains the queue.
            commands::sync_now(state) -> ();
            /// The inbox, newest first.
            commands::inbox(state) -> Vec<InboxEntry>;
            /// Marks an inbox item read (on this device).
            commands::mark_read(state; id: Uuid) -> ();
            /// Provinces and commune-level units, with the former names of each unit.
            commands::admin_units(state) -> AdminUnits;
            /// The settings screen.
            commands::settings(state) -> SettingsView;
            /// Stores the settings; refused fields are named in `fields`.
            commands::save_settings(state, app; settings: SettingsView) -> SettingsView;
            /// How the portal reaches the citizen (per category: the app, SMS, e-mail; quiet
            /// hours for SMS), read from the portal. The citizen's own sign-in only; offline it
            /// fails with `offline`.
            commands::notification_settings(state) -> NotificationSettingsView;
            /// Replaces the citizen's notification settings at the portal; never queued, so
            /// offline it fails with `offline` and the screen keeps what was typed.
            commands::save_notification_settings(state; settings: NotificationSettings) -> NotificationSettingsView;
            /// Switches a document's reminders on or off, or snoozes them for `days` days.
            commands::set_reminder(state; document_id: Uuid, mode: ReminderMode, days: Option<u32>) -> ReminderView;
            /// A pre-filled draft for renewing a wallet document.
            commands::start_renewal(state; document_id: Uuid) -> DraftView;
            /// Adds a document to the wallet by hand.
            commands::add_document(state; document: NewDocumentInput) -> WalletEntry;
            /// An iCalendar file with the renewal reminders.
            commands::export_calendar(state) -> CalendarExportView;
            /// Signs out and deletes every personal datum from this device (cache, queue, files).
            commands::clear_device(state) -> SessionState;
            /// The webview saw the home screen's first dashboard; `timings` are the UI's start-up
            /// marks. The bench reads the log lines.
            commands::report_dashboard_rendered(state, app; timings: StartTimings) -> ();
            /// Signs a staff member in and remembers the venue (post office or event).
            staff::staff_sign_in(state; sign_in: StaffSignInInput) -> SessionState;
            /// Signs the staff member out; an open assisted session ends first.
            staff::staff_sign_out(state, app) -> SessionState;
            /// Texts a consent code to the citizen's registered phone.
            staff::request_consent_code(state; id_number: String) -> OtpAccepted;
            /// Opens an assisted session for one citizen with their consent (code or paper form).
            staff::open_assisted_session(state; id_number: String, consent: Consent) -> SessionState;
            /// Ends the session: every datum of the citizen leaves the device, and the UI reloads
            /// on `#/ended`. Unsent work stays sealed until the portal acknowledges it.
            staff::end_assisted_session(state, app) -> SessionEnded;
            /// Locks the device after a period without use.
            staff::lock_device(state) -> SessionState;
            /// Unlocks it with the signed-in staff member's password (checked on the device).
            staff::unlock_device(state; password: String) -> SessionState;
            /// The day's (or the event's) tally: codes and initials only. `day` is `YYYY-MM-DD`.
            staff::tally(state; day: Option<String>) -> Tally;
            /// The tally as CSV: counts only.
            staff::tally_csv(state; day: Option<String>) -> CsvExportView;
            /// The receipt of a sent application, in `lang` (default: the citizen's language).
            staff::receipt(state; id: String, lang: Option<Lang>) -> Receipt;
            /// Opens the system print dialog for the page on screen (which can also save a PDF).
            staff::print_page(state, app) -> ();
        }
    };
}
