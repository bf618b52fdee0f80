//! Jobs on the fake's clock: tool executions, workflow runs, exports and
//! remix actions. A job is `pending`, then `running` with a rising
//! `progressPercentage`, then ends `succeeded` (or as scripted: `failed`,
//! `cancelled`, or never, when stalled). Nothing runs in the background: a
//! job's state is a function of the clock, worked out whenever it is read,
//! so moving the clock ([`FakeVideoGen::advance`](crate::FakeVideoGen::advance))
//! moves every job, deterministically.

use std::{
    collections::VecDeque,
    sync::Arc,
    time::{Duration, SystemTime},
};

use videogen::{types::ApiError, FileType};

use crate::Shared;

/// What kind of job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JobKind {
    /// A tool execution (`vg_tool_...`).
    Tool,
    /// A workflow run (`vg_work_...`), which builds a project.
    Workflow,
    /// An MP4 export of a project (`vg_expo_...`).
    Export,
    /// One remix action on a project (`vg_rmix_...`).
    Remix,
}

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JobStatus {
    /// Accepted, not started (also while it waits for the job before it).
    Pending,
    /// In progress.
    Running,
    /// Ended well; results exist.
    Succeeded,
    /// Ended with an error.
    Failed,
    /// Stopped by a cancel (exports, which cannot be cancelled, fail instead).
    Cancelled,
}

impl JobStatus {
    /// Succeeded, failed or cancelled.
    pub fn is_terminal(self) -> bool {
        matches!(self, JobStatus::Succeeded | JobStatus::Failed | JobStatus::Cancelled)
    }

    /// The wire value (`pending`, `running`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }
}

/// A job as the fake sees it, from [`FakeVideoGen::job`](crate::FakeVideoGen::job)
/// or [`Jobs::all`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct JobState {
    /// The job's id (`vg_tool_...`, `vg_work_...`, `vg_expo_...`, `vg_rmix_...`).
    pub id: String,
    /// Tool, workflow, export or remix action.
    pub kind: JobKind,
    /// `GENERATE_IMAGE`, `SCRIPT_TO_VIDEO`, `EXPORT`, `SET_LOGO`, ...
    pub job_type: String,
    /// Its status now, by the fake's clock.
    pub status: JobStatus,
    /// Its progress now (0 to 100; 100 once succeeded).
    pub progress_percentage: f64,
    /// The project it builds, exports or edits.
    pub project_id: Option<String>,
    /// The prompt-like text of its request (prompt, script, text to speak, ...),
    /// which [`Jobs::prompt`] matches.
    pub prompt: String,
    /// The file ids of its results, once a tool execution has succeeded.
    pub result_file_ids: Vec<String>,
    /// Why it failed.
    pub error: Option<ApiError>,
    /// When it was accepted.
    pub created_at: SystemTime,
    /// When it started running work (after any job it waits for).
    pub started_at: Option<SystemTime>,
    /// When it ended, or will end if nothing changes (`None` while waiting
    /// or stalled).
    pub ends_at: Option<SystemTime>,
    /// True when scripted to stall: it stays `running` until cancelled.
    pub stalled: bool,
    /// How many times its state was read through the API (polls).
    pub polls: u64,
}

/// How a job ends, as scripted.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Outcome {
    Succeed,
    Fail(ApiError),
    Cancel,
    Stall,
}

/// A scripted change: an outcome and/or a duration.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Script {
    pub outcome: Option<Outcome>,
    pub duration: Option<Duration>,
}

/// How a job ended.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum End {
    Succeeded,
    Failed(ApiError),
    Cancelled,
}

/// Details per kind.
#[derive(Clone, Debug)]
pub(crate) enum Detail {
    Tool {
        tool_type: &'static str,
        result_type: FileType,
        num_results: u64,
        temporary: bool,
        /// (width, height) of visual results; seconds of media results.
        dimensions: (i64, i64),
        seconds: f64,
        /// Filled when it succeeds.
        results: Vec<String>,
    },
    Workflow {
        workflow_type: videogen::types::WorkflowType,
    },
    Export,
    Remix {
        action: videogen::types::RemixActionType,
    },
}

#[derive(Clone, Debug)]
pub(crate) struct Job {
    pub id: String,
    pub kind: JobKind,
    pub detail: Detail,
    pub seq: u64,
    pub project: Option<String>,
    pub prompt: String,
    pub created_at: SystemTime,
    pub duration: Duration,
    pub outcome: Outcome,
    /// Index of the job this one waits for.
    pub after: Option<usize>,
    pub started_at: Option<SystemTime>,
    pub end: Option<(SystemTime, End)>,
    pub polls: u64,
}

impl Job {
    pub fn job_type(&self) -> String {
        match &self.detail {
            Detail::Tool { tool_type, .. } => (*tool_type).to_owned(),
            Detail::Workflow { workflow_type } => workflow_type.to_string(),
            Detail::Export => "EXPORT".to_owned(),
            Detail::Remix { action } => action.to_string(),
        }
    }

    /// When it ends if nothing changes; `None` while waiting or stalled.
    pub fn ends_at(&self) -> Option<SystemTime> {
        if let Some((at, _)) = &self.end {
            return Some(*at);
        }
        match (self.started_at, &self.outcome) {
            (_, Outcome::Stall) | (None, _) => None,
            (Some(start), _) => Some(start + self.duration),
        }
    }

    fn pending_for(&self) -> Duration {
        self.duration / 10
    }

    /// Status and progress at `now` (settled up to `now`).
    pub fn status_at(&self, now: SystemTime) -> (JobStatus, f64) {
        let progress_at = |at: SystemTime| -> f64 {
            let Some(start) = self.started_at else { return 0.0 };
            let elapsed = at.duration_since(start).unwrap_or_default();
            let pending = self.pending_for();
            if elapsed < pending || self.duration.is_zero() {
                return 0.0;
            }
            let running = (self.duration - pending).as_secs_f64().max(1e-9);
            let share = (elapsed - pending).as_secs_f64() / running;
            let cap = if self.outcome == Outcome::Stall { 50.0 } else { 99.0 };
            (share * 100.0).floor().clamp(0.0, cap)
        };
        match &self.end {
            Some((_, End::Succeeded)) => (JobStatus::Succeeded, 100.0),
            Some((at, End::Failed(_))) => (JobStatus::Failed, progress_at(*at)),
            Some((at, End::Cancelled)) => (JobStatus::Cancelled, progress_at(*at)),
            None => match self.started_at {
                None => (JobStatus::Pending, 0.0),
                Some(start) if now.duration_since(start).unwrap_or_default() < self.pending_for() => {
                    (JobStatus::Pending, 0.0)
                }
                Some(_) => (JobStatus::Running, progress_at(now)),
            },
        }
    }

    pub fn error(&self) -> Option<ApiError> {
        match &self.end {
            Some((_, End::Failed(e))) => Some(e.clone()),
            _ => None,
        }
    }

    pub fn state(&self, now: SystemTime) -> JobState {
        let (status, progress) = self.status_at(now);
        JobState {
            id: self.id.clone(),
            kind: self.kind,
            job_type: self.job_type(),
            status,
            progress_percentage: progress,
            project_id: self.project.clone(),
            prompt: self.prompt.clone(),
            result_file_ids: match &self.detail {
                Detail::Tool { results, .. } => results.clone(),
                _ => Vec::new(),
            },
            error: self.error(),
            created_at: self.created_at,
            started_at: self.started_at,
            ends_at: self.ends_at(),
            stalled: self.outcome == Outcome::Stall && self.end.is_none(),
            polls: self.polls,
        }
    }

    pub fn apply(&mut self, script: &Script) {
        if let Some(outcome) = &script.outcome {
            self.outcome = outcome.clone();
        }
        if let Some(duration) = script.duration {
            self.duration = duration;
        }
    }
}

/// An error for scripted failures that give only a message.
pub(crate) fn job_error(code: &str, message: impl Into<String>) -> ApiError {
    ApiError {
        code: Some(code.to_owned()),
        internal_error_code: None,
        message: message.into(),
        requirement: None,
    }
}

/// Which jobs a script applies to.
#[derive(Clone, Debug)]
pub(crate) enum Target {
    Next(Option<JobKind>),
    Id(String),
    Prompt(String),
}

/// Scripts waiting for jobs.
#[derive(Debug, Default)]
pub(crate) struct Scripts {
    pub next: VecDeque<(Option<JobKind>, Script)>,
    pub prompts: Vec<(String, Script)>,
}

impl Scripts {
    /// The script for a new job: the first matching `next` entry (used up),
    /// then any prompt rules (later ones win).
    pub fn for_new(&mut self, kind: JobKind, prompt: &str) -> Script {
        let mut script = Script::default();
        if let Some(i) = self.next.iter().position(|(k, _)| k.is_none_or(|k| k == kind)) {
            script = self.next.remove(i).map(|(_, s)| s).unwrap_or_default();
        }
        let lower = prompt.to_lowercase();
        for (text, rule) in &self.prompts {
            if lower.contains(&text.to_lowercase()) {
                if rule.outcome.is_some() {
                    script.outcome.clone_from(&rule.outcome);
                }
                if rule.duration.is_some() {
                    script.duration = rule.duration;
                }
            }
        }
        script
    }
}

/// Scripts jobs and shows them. Get one from
/// [`FakeVideoGen::jobs`](crate::FakeVideoGen::jobs).
///
/// ```no_run
/// # async fn run(fake: videogen_fake::FakeVideoGen) {
/// use std::time::Duration;
/// use videogen_fake::JobKind;
/// // The next job fails when it would have finished.
/// fake.jobs().next().fail("content_policy", "the prompt was refused");
/// // The next tool execution takes 90 s, then succeeds.
/// fake.jobs().next_of(JobKind::Tool).take(Duration::from_secs(90));
/// // Every job whose prompt mentions "stuck" never finishes.
/// fake.jobs().prompt("stuck").stall();
/// // Move every job along.
/// fake.advance(Duration::from_secs(30));
/// for job in fake.jobs().all() {
///     println!("{} {:?} {}%", job.id, job.status, job.progress_percentage);
/// }
/// # }
/// ```
#[derive(Clone)]
pub struct Jobs {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for Jobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jobs").finish_non_exhaustive()
    }
}

impl Jobs {
    /// Scripts the next job started (of any kind).
    pub fn next(&self) -> JobScript {
        self.script(Target::Next(None))
    }

    /// Scripts the next job of this kind.
    pub fn next_of(&self, kind: JobKind) -> JobScript {
        self.script(Target::Next(Some(kind)))
    }

    /// Scripts an existing job by id (one not ended yet).
    pub fn id(&self, id: impl Into<String>) -> JobScript {
        self.script(Target::Id(id.into()))
    }

    /// Scripts every job started from now on whose prompt-like text (prompt,
    /// script, text to speak, remix prompt) contains `text`, ignoring case.
    pub fn prompt(&self, text: impl Into<String>) -> JobScript {
        self.script(Target::Prompt(text.into()))
    }

    fn script(&self, target: Target) -> JobScript {
        JobScript {
            jobs: self.clone(),
            target,
            duration: None,
        }
    }

    /// Every job, oldest first, as of now.
    pub fn all(&self) -> Vec<JobState> {
        self.shared
            .with_world(|world, _, now| world.jobs.iter().map(|j| j.state(now)).collect())
    }

    /// Every job of one kind, oldest first.
    pub fn of_kind(&self, kind: JobKind) -> Vec<JobState> {
        self.all().into_iter().filter(|j| j.kind == kind).collect()
    }

    /// One job, as of now.
    pub fn get(&self, id: &str) -> Option<JobState> {
        self.shared
            .with_world(|world, _, now| world.job(id).map(|j| j.state(now)))
    }

    /// How many jobs are not ended yet.
    pub fn in_progress(&self) -> usize {
        self.all().iter().filter(|j| !j.status.is_terminal()).count()
    }

    /// Drops every script still waiting for a job.
    pub fn clear_scripts(&self) {
        self.shared.with_world(|world, _, _| {
            world.scripts = Scripts::default();
        });
    }
}

/// A script being built: optionally [`after`](Self::after), then one of
/// [`succeed`](Self::succeed), [`take`](Self::take), [`fail`](Self::fail),
/// [`fail_with`](Self::fail_with), [`stall`](Self::stall) or
/// [`cancel`](Self::cancel), which install it. Each returns false when
/// nothing could be scripted (an id that names no job still in progress).
#[derive(Debug)]
#[must_use = "a job script does nothing until installed with succeed, take, fail, stall or cancel"]
pub struct JobScript {
    jobs: Jobs,
    target: Target,
    duration: Option<Duration>,
}

impl JobScript {
    /// The job ends this long after it starts (instead of the configured
    /// job duration).
    pub fn after(mut self, duration: Duration) -> Self {
        self.duration = Some(duration);
        self
    }

    /// Takes `duration`, then succeeds.
    pub fn take(self, duration: Duration) -> bool {
        self.after(duration).succeed()
    }

    /// Succeeds (undoing an earlier script of a job by id).
    pub fn succeed(self) -> bool {
        self.install(Outcome::Succeed)
    }

    /// Fails when it would have ended, with an `ApiError` of this code and message.
    pub fn fail(self, code: &str, message: impl Into<String>) -> bool {
        let error = job_error(code, message);
        self.install(Outcome::Fail(error))
    }

    /// Fails when it would have ended, with this error.
    pub fn fail_with(self, error: ApiError) -> bool {
        self.install(Outcome::Fail(error))
    }

    /// Never ends on its own: stays `running` (progress stops at 50%) until cancelled.
    pub fn stall(self) -> bool {
        self.install(Outcome::Stall)
    }

    /// Ends `cancelled` when it would have ended, as if cancelled elsewhere
    /// (an export, which has no such status, fails with code `cancelled`).
    pub fn cancel(self) -> bool {
        self.install(Outcome::Cancel)
    }

    fn install(self, outcome: Outcome) -> bool {
        let script = Script {
            outcome: Some(outcome),
            duration: self.duration,
        };
        let target = self.target;
        self.jobs
            .shared
            .with_world(move |world, store, now| world.install(target, script, store, now))
    }
}
