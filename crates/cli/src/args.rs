//! The command line (clap): the commands, their arguments and `--help`.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
Exit codes:
  0  done (drain: nothing left to send)
  1  unexpected error (local database, file system)
  2  wrong command line
  3  not signed in, or the session ended: run `opendvc login` again (queued items are kept)
  4  drain: items need attention (see `opendvc queue`; retry or discard them)
  5  the portal could not be reached (login, sync; queue discard of an item whose answer was
     lost: it must be sent once more first, try again when online)
  6  drain: items still wait (back-off) when --max-wait ran out, or another drain holds the queue
     (also queue discard, when a drain held the queue throughout)
  7  refused: the input is not valid (submit validates offline against the cached catalog),
     or the portal refused the request (a refused submission is kept and needs attention)
  8  not confirmed: logout with unsent items, or discard without --yes

Environment: OPENDVC_DATA_DIR, OPENDVC_PORTAL, OPENDVC_LANG (vi, en, id; default vi),
OPENDVC_SHARED_DEVICE (true: like --shared-device),
OPENDVC_BACKOFF_BASE_MS and OPENDVC_BACKOFF_CAP_MS (retry back-off, default 500 and 30000),
OPENDVC_REQUEST_TIMEOUT_MS (per request; default 30000, uploads 300000).

JSON output (--json): every command prints exactly one JSON object on standard output.
  login         {\"otp\": {expiresIn, channel}?, \"signIn\": {profileKey, fullName, sync, syncError}?}
  logout        {revoked, unsentKept}
  status        the dashboard: {signedIn, portalUrl, fullName, online, queue, countsByStatus,
                needingAction, documents, unreadInbox, lastSyncAt, catalogVersion, cacheRebuiltFrom}
  sync          {pull: {pages, applications, documents, inbox, profile}, catalog: {result, version}}
  applications  {items: [{id, code, queueItemId, procedureId, procedureName, status, local,
                submittedAt, dueAt, overdue, unsentFollowUps}]}
  show          {entry, application, queueItems}
  submit, supplement, delivery, withdraw, rate
                {itemId, uploadIds, state, sent, applicationId, applicationCode, reason}
  queue         {summary: {queued, sending, sent, needsAttention, discarded, pausedAuth}, items}
  queue show    {item, events: [{at, state, detail}]}
  queue retry   {retried: ID}
  queue discard {discarded: ID, affected: [ID]}, or, when the item had reached the portal
                after all (it is sent, not discarded), {sent: ID, applicationId, applicationCode, kind}
  drain         {end: empty|needs_attention|paused_auth|timed_out|busy, sent, retries, queue}
  watch         one object per line as it happens: {type: connected|event|duplicate|inbox|disconnected, …}
  reminders     {today, validities: [{documentId, kind, kindName, number, standing, expiresOn,
                daysLeft, nextReminderOn, renewalProcedure, switchedOff, snoozedUntil}], due}
  search        {query, hits: [{procedureId, name: {vi, en, id}, matchedWords, onlineLevel,
                processingDays: {inPerson, online}}]}
  staff login|logout|status
                {staff: {code, name, kind, organisation}?, signedIn, venue, session:
                {id, citizenInitials, venue, expiresAt, secondsLeft}?}
  assist open   {id, citizenInitials, venue, expiresAt, secondsLeft}
  assist end    {id, endedAtPortal, unsentKept}
  tally         {day, venue, peopleHelped, submissions, sent, waiting, needsAttention,
                perService: {ID: {sent, waiting, needsAttention}}, serviceNames: {ID: {vi, en, id}},
                entries: [{sessionId,
                citizenInitials, procedureId, state, applicationCode}]}
  access-log    {entries: [{entry: {id, at, action, resource, resourceRef?, staff: {code, name,
                kind, organisation}, venue: {name, unitCode?}, sessionId, consent},
                vietnamTime}], nextCursor?}
  notifications show|set
                {settings: {status: {app, sms, email}, delivery: {…}, renewal: {…},
                quietHours: {enabled, start, end}}, emailAvailable}
  receipt       {lang, title, applicationCode, lines: [{label, value}], followUp, servedBy,
                lookupLink, qrCaption, qrSvg}
  any error     {error: {code, message, errors: [{field, message}]}}";

/// The OpenDVC command-line client.
#[derive(Debug, Parser)]
#[command(name = "opendvc", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    /// Data folder (default: $OPENDVC_DATA_DIR, else the platform data folder + /opendvc).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Portal address, e.g. http://127.0.0.1:8080 (default: the one signed in at).
    #[arg(long, global = true, env = "OPENDVC_PORTAL", value_name = "URL")]
    pub portal: Option<String>,
    /// A shared computer: once the portal acknowledged an item, keep only its receipt (code)
    /// and delete the form, notes and stored files.
    #[arg(long, global = true, env = "OPENDVC_SHARED_DEVICE")]
    pub shared_device: bool,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Language of messages: vi, en or id.
    #[arg(long, global = true, env = "OPENDVC_LANG", value_name = "LANG")]
    pub lang: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeliveryArg {
    Counter,
    Post,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign in with a personal ID number and a one-time code sent to the registered phone.
    Login {
        /// Personal ID number (12 digits).
        #[arg(long = "id", value_name = "NUMBER")]
        id_number: String,
        /// The one-time code, if already received; without it a code is requested and read
        /// from standard input.
        #[arg(long, value_name = "CODE")]
        otp: Option<String>,
    },
    /// Sign out. Refuses while items are unsent, unless --yes (they then stay on this device).
    Logout {
        #[arg(long)]
        yes: bool,
    },
    /// Overview: sign-in, queue, applications needing action, last sync.
    Status,
    /// Pull everything new from the portal and refresh the catalog.
    Sync,
    /// List applications, with local submissions waiting to send.
    Applications,
    /// Show one application by its code, id, or queue item id.
    Show {
        #[arg(value_name = "CODE")]
        code: String,
    },
    /// Submit an application. Works offline: validates against the cached catalog, saves it
    /// on this device, and sends it now if the portal is reachable.
    Submit {
        #[arg(long, value_name = "ID")]
        procedure: String,
        /// JSON object of form field id → value.
        #[arg(long, value_name = "FILE.json")]
        form: PathBuf,
        /// A file to attach; `REQUIREMENT=FILE` names the required document it satisfies.
        #[arg(long = "attach", value_name = "FILE")]
        attach: Vec<String>,
        #[arg(long, value_enum, default_value = "counter")]
        delivery: DeliveryArg,
        /// JSON delivery address {recipientName, phone, provinceCode, unitCode, street}.
        #[arg(long, value_name = "FILE.json")]
        address: Option<PathBuf>,
        /// Only save on this device; do not try to send now.
        #[arg(long)]
        no_send: bool,
    },
    /// What an application would cost, offline from the cached catalog, by the fee computation
    /// the portal charges with: each fee line and the total; lists the fee cases when the form
    /// does not decide which applies.
    Quote {
        #[arg(value_name = "PROCEDURE")]
        procedure: String,
        /// A form answer, `FIELD=VALUE`; repeat for each answer.
        #[arg(long = "form", value_name = "FIELD=VALUE")]
        form: Vec<String>,
        /// The fee case, when the form does not decide it.
        #[arg(long, value_name = "CASE")]
        fee_case: Option<String>,
        #[arg(long, value_enum, default_value = "counter")]
        delivery: DeliveryArg,
        /// JSON delivery address {recipientName, phone, provinceCode, unitCode, street}.
        #[arg(long, value_name = "FILE.json")]
        address: Option<PathBuf>,
    },
    /// Send a supplement for an application (by code) or a queued submission (by item id).
    Supplement {
        #[arg(value_name = "CODE_OR_ITEM")]
        target: String,
        #[arg(long)]
        note: Option<String>,
        /// JSON object of extra form values.
        #[arg(long, value_name = "FILE.json")]
        form: Option<PathBuf>,
        #[arg(long = "attach", value_name = "FILE")]
        attach: Vec<String>,
        #[arg(long)]
        no_send: bool,
    },
    /// Change how the result is delivered (counter or post) for an application or a queued
    /// submission.
    Delivery {
        #[arg(value_name = "CODE_OR_ITEM")]
        target: String,
        #[arg(long = "method", value_enum)]
        method: DeliveryArg,
        /// JSON delivery address {recipientName, phone, provinceCode, unitCode, street}.
        #[arg(long, value_name = "FILE.json")]
        address: Option<PathBuf>,
        #[arg(long)]
        no_send: bool,
    },
    /// Withdraw an application (or a queued submission once it is sent).
    Withdraw {
        #[arg(value_name = "CODE_OR_ITEM")]
        target: String,
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        no_send: bool,
    },
    /// Rate the handling of an application, 1 to 5 stars.
    Rate {
        #[arg(value_name = "CODE_OR_ITEM")]
        target: String,
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
        stars: u8,
        #[arg(long)]
        comment: Option<String>,
        #[arg(long)]
        no_send: bool,
    },
    /// Show the submission queue; `queue retry ID`, `queue discard ID`.
    Queue {
        #[command(subcommand)]
        action: Option<QueueAction>,
    },
    /// Send everything queued, waiting through back-off, until the queue is empty.
    Drain {
        /// Give up waiting after this many seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 600)]
        max_wait: u64,
    },
    /// Print push events as they arrive, with the notification each would show, until Ctrl-C.
    Watch {
        /// Stop after this many seconds.
        #[arg(long, value_name = "SECONDS")]
        seconds: Option<u64>,
    },
    /// Show each document's validity and the renewal reminders due today (each fires once).
    Reminders {
        /// Also write the upcoming expiries as an iCalendar file.
        #[arg(long, value_name = "FILE")]
        ics: Option<PathBuf>,
    },
    /// Staff mode on a shared device: `staff login|logout|status`.
    Staff {
        #[command(subcommand)]
        action: StaffAction,
    },
    /// Serve a citizen on a shared device: `assist open|end`.
    Assist {
        #[command(subcommand)]
        action: AssistAction,
    },
    /// The staff member's day or event tally: people helped, submissions per service, sent
    /// and waiting. Only application codes and initials; the CSV has no personal data at all.
    Tally {
        /// The day (YYYY-MM-DD); default today.
        #[arg(long, value_name = "DATE")]
        day: Option<chrono::NaiveDate>,
        /// Also write the tally as CSV to this file.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
    /// Who used my data: the staff members who opened an assisted session for you or read
    /// your data, where and when (Vietnam time), newest first. Your own sign-in only.
    AccessLog {
        /// The next (older) page, as the previous page named it.
        #[arg(long, value_name = "CURSOR")]
        cursor: Option<String>,
    },
    /// How the portal reaches you (per kind of notice: the app, SMS, e-mail; quiet hours
    /// for SMS): `notifications show|set`. Your own sign-in only; needs the portal.
    Notifications {
        #[command(subcommand)]
        action: NotificationsAction,
    },
    /// The receipt of a sent application, in the citizen's language, with its QR code.
    Receipt {
        #[arg(value_name = "CODE")]
        code: String,
        /// Write the QR code as SVG to this file.
        #[arg(long, value_name = "FILE")]
        svg: Option<PathBuf>,
    },
    /// Search the catalog on this device (works offline): any spelling, with or without
    /// diacritics, in Vietnamese, English or Indonesian, abbreviations, one typo.
    Search {
        /// What to look for; several words may be given without quotes.
        #[arg(value_name = "QUERY", required = true, num_args = 1..)]
        query: Vec<String>,
        /// Show at most this many procedures.
        #[arg(long, value_name = "N", default_value_t = 10,
              value_parser = clap::value_parser!(u16).range(1..=200))]
        limit: u16,
    },
}

#[derive(Debug, Subcommand)]
pub enum StaffAction {
    /// Sign in as a DVC agent (at a post office) or a volunteer (at an outreach event).
    Login {
        #[arg(long, value_name = "CODE")]
        code: String,
        /// The password; read from standard input when not given.
        #[arg(long, env = "OPENDVC_STAFF_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Agents: the post office, when not their own organisation.
        #[arg(long, value_name = "NAME")]
        post_office: Option<String>,
        /// Volunteers: the outreach event's name.
        #[arg(long, value_name = "NAME", requires_all = ["place", "date"])]
        event: Option<String>,
        /// The event's place: a commune-level unit code.
        #[arg(long, value_name = "UNIT_CODE")]
        place: Option<String>,
        /// The event's date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        date: Option<chrono::NaiveDate>,
        /// After a password change: the previous password, which opens the encrypted queue
        /// kept on this device.
        #[arg(long, env = "OPENDVC_STAFF_PREVIOUS_PASSWORD", hide_env_values = true)]
        previous_password: Option<String>,
    },
    /// Sign out: ends an open session; waiting submissions stay encrypted.
    Logout,
    /// Who is signed in, where, and the open session.
    Status,
}

#[derive(Debug, Subcommand)]
pub enum AssistAction {
    /// Open an assisted session with the citizen's consent: a paper consent reference, or a
    /// consent code sent to their phone (given with --otp, or typed when asked).
    Open {
        #[arg(long = "id", value_name = "NUMBER")]
        id_number: String,
        #[arg(long, value_name = "REFERENCE", conflicts_with = "otp")]
        paper: Option<String>,
        #[arg(long, value_name = "CODE")]
        otp: Option<String>,
    },
    /// End the session and delete the citizen's data from this device.
    End,
}

/// A kind of notice the portal sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CategoryArg {
    /// An application changed status.
    Status,
    /// The result's postal delivery.
    Delivery,
    /// A document is about to expire.
    Renewal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

impl Switch {
    pub fn is_on(self) -> bool {
        self == Switch::On
    }
}

#[derive(Debug, Subcommand)]
pub enum NotificationsAction {
    /// Show the channels of each kind of notice and the quiet hours.
    Show,
    /// Change some of them; what is not named stays as it is.
    Set {
        /// The kinds of notice the channel switches apply to (repeat for several); default
        /// all three.
        #[arg(long = "category", value_enum, value_name = "CATEGORY")]
        categories: Vec<CategoryArg>,
        /// Notices in the app (inbox and desktop notification).
        #[arg(long, value_enum, value_name = "on|off")]
        app: Option<Switch>,
        /// SMS to the registered phone.
        #[arg(long, value_enum, value_name = "on|off")]
        sms: Option<Switch>,
        /// E-mail, when the profile has an address.
        #[arg(long, value_enum, value_name = "on|off")]
        email: Option<Switch>,
        /// When SMS wait (Vietnam time, may cross midnight), e.g. 21:00-07:00; `off` sends
        /// them at any hour.
        #[arg(long, value_name = "HH:MM-HH:MM|off")]
        quiet_hours: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum QueueAction {
    /// List items (also discarded ones with --all).
    List {
        #[arg(long)]
        all: bool,
    },
    /// Show one item with its state history.
    Show { id: String },
    /// Put a waiting or refused item back in line at once.
    Retry { id: String },
    /// Discard an unsent item (asks for confirmation unless --yes).
    Discard {
        id: String,
        #[arg(long)]
        yes: bool,
    },
}
