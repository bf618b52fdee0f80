//! Everything beyond files: jobs, projects, entities and webhook endpoints,
//! in memory. Payloads are `videogen` types.

use std::{
    collections::HashMap,
    time::{Duration, SystemTime},
};

use base64::Engine;
use videogen::{
    types::{
        AspectRatio, CreateEntityRequest, CreateWebhookEndpointRequest, Entity, EntityActorConfig,
        EntityArchiveResponse, EntityReference, EntityType, ExecutedTool, ExecutedToolStatus, ProjectExport,
        ProjectExportStatus, ProjectResponse, ProjectStatus, RemixActionRun, RemixActionStatus, RemixActionType,
        StartToolExecutionResponse, StartWorkflowRunResponse, ToolSuccessResult, UpdateEntityRequest, WebhookEndpoint,
        WorkflowRun, WorkflowRunStatus, WorkflowType,
    },
    FileScope, FileType, Timestamp,
};

use crate::{
    clock::unix_millis,
    jobs::{job_error, Detail, End, Job, JobKind, JobStatus, Outcome, Script, Scripts, Target},
    paging::{page, Page},
    seed::SeedFile,
    store::{encode, Reject, Store},
};

/// A project: made by a workflow run (or seeded), edited by remix actions.
#[derive(Clone, Debug)]
pub(crate) struct Project {
    pub id: String,
    pub title: String,
    pub aspect_ratio: AspectRatio,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
    /// Update order, for listing.
    pub seq: u64,
    /// Made in the web app (listed only with `includeUiProjects`).
    pub ui: bool,
    pub created_by_self: bool,
    /// Jobs that build or edit it (the project is `generating` until they end).
    pub builders: Vec<usize>,
    /// The last job that edits it: the next remix action waits for it.
    pub tail: Option<usize>,
}

#[derive(Clone, Debug)]
struct EntityRecord {
    entity: Entity,
    seq: u64,
    archived: bool,
}

#[derive(Clone, Debug)]
struct EndpointRecord {
    endpoint: WebhookEndpoint,
    seq: u64,
    /// Exact creation time: events that happened before it are not sent there.
    created: SystemTime,
}

/// What a tool start asks for, worked out from its request.
#[derive(Debug)]
pub(crate) struct ToolStart {
    pub tool_type: &'static str,
    pub result_type: FileType,
    pub num_results: u64,
    pub temporary: bool,
    pub prompt: String,
    pub dimensions: (i64, i64),
    pub seconds: f64,
}

/// What a workflow start asks for.
#[derive(Debug)]
pub(crate) struct WorkflowStart {
    pub workflow_type: WorkflowType,
    pub prompt: String,
    pub title: String,
    pub aspect_ratio: AspectRatio,
    pub remix_actions: Vec<(RemixActionType, String)>,
}

pub(crate) struct World {
    rng: fastrand::Rng,
    seq: u64,
    pub jobs: Vec<Job>,
    index: HashMap<String, usize>,
    projects: HashMap<String, Project>,
    entities: HashMap<String, EntityRecord>,
    endpoints: HashMap<String, EndpointRecord>,
    pub scripts: Scripts,
    pub job_duration: Duration,
    base_url: String,
    /// Earliest moment a job may end or start: nothing to settle before it.
    next_due: Option<SystemTime>,
    /// Tool executions and workflow runs that ended since the webhook
    /// sender last looked (only kept while some endpoint exists).
    pub ended: Vec<usize>,
}

/// The project's page in the "web app": a URL on the fake.
fn project_url(base: &str, id: &str) -> String {
    format!("{base}/app/projects/{}", encode(id))
}

impl World {
    pub fn new(base_url: String, seed: Option<u64>, job_duration: Duration) -> World {
        let rng = seed.map_or_else(fastrand::Rng::new, |s| fastrand::Rng::with_seed(s ^ 0x5eed_fa11));
        World {
            rng,
            seq: 0,
            jobs: Vec::new(),
            index: HashMap::new(),
            projects: HashMap::new(),
            entities: HashMap::new(),
            endpoints: HashMap::new(),
            scripts: Scripts::default(),
            job_duration,
            base_url,
            next_due: None,
            ended: Vec::new(),
        }
    }

    fn bump(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    pub fn new_id(&mut self, prefix: &str) -> String {
        let tail: String = (0..20).map(|_| self.rng.alphanumeric()).collect();
        format!("{prefix}{tail}")
    }

    pub fn job(&self, id: &str) -> Option<&Job> {
        self.index.get(id).map(|i| &self.jobs[*i])
    }

    fn job_of(&mut self, id: &str, kind: JobKind, what: &str) -> Result<usize, Reject> {
        match self.index.get(id) {
            Some(i) if self.jobs[*i].kind == kind => Ok(*i),
            _ => Err(Reject::new(404, "not_found", format!("no {what} with id {id:?}"))),
        }
    }

    // ---- the clock ---------------------------------------------------------

    /// Applies every start and end due by `now`, in creation order (a job
    /// only ever waits for an older one).
    pub fn settle(&mut self, now: SystemTime, store: &mut Store) {
        if self.next_due.is_none_or(|due| due > now) {
            return;
        }
        let mut next_due: Option<SystemTime> = None;
        let mut earliest = |at: SystemTime| {
            next_due = Some(next_due.map_or(at, |d: SystemTime| d.min(at)));
        };
        for i in 0..self.jobs.len() {
            if self.jobs[i].end.is_some() {
                continue;
            }
            if self.jobs[i].started_at.is_none() {
                let dependency = self.jobs[i].after.map(|d| self.jobs[d].end.clone());
                match dependency {
                    None => self.jobs[i].started_at = Some(self.jobs[i].created_at),
                    Some(None) => continue,
                    Some(Some((at, End::Succeeded))) => {
                        self.jobs[i].started_at = Some(at.max(self.jobs[i].created_at));
                    }
                    Some(Some((at, End::Cancelled))) => {
                        // Exports have no `cancelled` status: they fail, saying why.
                        let end = if self.jobs[i].kind == JobKind::Export {
                            End::Failed(job_error("cancelled", "the project's build was cancelled"))
                        } else {
                            End::Cancelled
                        };
                        self.end_job(i, at, end, store);
                        continue;
                    }
                    Some(Some((at, End::Failed(_)))) => {
                        let error = job_error("dependency_failed", "the step this one waited for failed");
                        self.end_job(i, at, End::Failed(error), store);
                        continue;
                    }
                }
            }
            let Some(ends_at) = self.jobs[i].ends_at() else {
                continue;
            };
            if ends_at > now {
                earliest(ends_at);
                continue;
            }
            let end = match self.jobs[i].outcome.clone() {
                Outcome::Succeed => End::Succeeded,
                Outcome::Fail(error) => End::Failed(error),
                Outcome::Cancel if self.jobs[i].kind == JobKind::Export => {
                    End::Failed(job_error("cancelled", "the export was cancelled"))
                }
                Outcome::Cancel => End::Cancelled,
                Outcome::Stall => continue,
            };
            self.end_job(i, ends_at, end, store);
        }
        // Jobs waiting for one that just ended start at once: settle again.
        let waiting = self
            .jobs
            .iter()
            .any(|j| j.end.is_none() && j.started_at.is_none() && j.after.is_some_and(|d| self.jobs[d].end.is_some()));
        self.next_due = if waiting { Some(now) } else { next_due };
        if waiting {
            self.settle(now, store);
        }
    }

    fn end_job(&mut self, i: usize, at: SystemTime, end: End, store: &mut Store) {
        if end == End::Succeeded {
            let job = self.jobs[i].clone();
            if let Detail::Tool {
                tool_type,
                result_type,
                num_results,
                temporary,
                dimensions,
                seconds,
                ..
            } = &job.detail
            {
                let mut ids = Vec::new();
                for n in 0..*num_results {
                    let id = self.new_id("vg_file_");
                    let name = result_name(&job.prompt, result_type, n);
                    let mut seed = SeedFile::of_type(id.clone(), result_type.clone())
                        .display_name(name)
                        .description(format!("{tool_type} result: {}", job.prompt))
                        .scope(if *temporary {
                            FileScope::Temporary
                        } else {
                            FileScope::Global
                        })
                        .source_tool(*tool_type, job.id.clone())
                        .bytes(result_bytes(result_type));
                    if matches!(result_type, FileType::Video | FileType::Audio) {
                        seed = seed.duration_seconds(*seconds);
                    }
                    if !matches!(result_type, FileType::Audio) {
                        seed = seed.dimensions(dimensions.0, dimensions.1);
                    }
                    store.seed(seed, at);
                    ids.push(id);
                }
                if let Detail::Tool { results, .. } = &mut self.jobs[i].detail {
                    *results = ids;
                }
            }
        }
        self.jobs[i].end = Some((at, end));
        if matches!(self.jobs[i].kind, JobKind::Tool | JobKind::Workflow) && !self.endpoints.is_empty() {
            self.ended.push(i);
        }
        if let Some(project) = self.jobs[i].project.clone() {
            if self.jobs[i].kind != JobKind::Export {
                let seq = self.bump();
                if let Some(p) = self.projects.get_mut(&project) {
                    p.updated_at = p.updated_at.max(at);
                    p.seq = seq;
                }
            }
        }
    }

    /// Adds a job (and applies any script waiting for it).
    fn add_job(&mut self, mut job: Job, now: SystemTime) -> usize {
        let script = self.scripts.for_new(job.kind, &job.prompt);
        job.apply(&script);
        let i = self.jobs.len();
        self.index.insert(job.id.clone(), i);
        self.jobs.push(job);
        self.next_due = Some(now);
        i
    }

    fn new_job(&mut self, kind: JobKind, prefix: &str, detail: Detail, prompt: String, now: SystemTime) -> Job {
        Job {
            id: self.new_id(prefix),
            kind,
            detail,
            seq: self.bump(),
            project: None,
            prompt,
            created_at: now,
            duration: self.job_duration,
            outcome: Outcome::Succeed,
            after: None,
            started_at: None,
            end: None,
            polls: 0,
        }
    }

    /// Installs a script; false when it targets no job in progress.
    pub fn install(&mut self, target: Target, script: Script, store: &mut Store, now: SystemTime) -> bool {
        match target {
            Target::Next(kind) => self.scripts.next.push_back((kind, script)),
            Target::Prompt(text) => self.scripts.prompts.push((text, script)),
            Target::Id(id) => {
                let Some(i) = self.index.get(&id).copied() else {
                    return false;
                };
                if self.jobs[i].end.is_some() {
                    return false;
                }
                self.jobs[i].apply(&script);
                self.next_due = Some(now);
                self.settle(now, store);
            }
        }
        true
    }

    // ---- tools -------------------------------------------------------------

    pub fn start_tool(&mut self, start: ToolStart, now: SystemTime) -> StartToolExecutionResponse {
        let detail = Detail::Tool {
            tool_type: start.tool_type,
            result_type: start.result_type,
            num_results: start.num_results,
            temporary: start.temporary,
            dimensions: start.dimensions,
            seconds: start.seconds,
            results: Vec::new(),
        };
        let job = self.new_job(JobKind::Tool, "vg_tool_", detail, start.prompt, now);
        let i = self.add_job(job, now);
        StartToolExecutionResponse {
            tool_execution_id: self.jobs[i].id.clone(),
        }
    }

    pub(crate) fn tool_view(&self, i: usize, store: &mut Store, now: SystemTime) -> ExecutedTool {
        let job = &self.jobs[i];
        let (status, progress) = job.status_at(now);
        let results = match (&job.detail, status) {
            (
                Detail::Tool {
                    results, result_type, ..
                },
                JobStatus::Succeeded,
            ) => results
                .iter()
                .map(|id| ToolSuccessResult {
                    file: store.hydrate(id, now).ok(),
                    file_id: id.clone(),
                    type_: result_type.clone(),
                })
                .collect(),
            _ => Vec::new(),
        };
        ExecutedTool {
            attempt_index: 0,
            error: job.error(),
            progress_percentage: progress,
            results,
            status: ExecutedToolStatus::from(status.as_str()),
            tool_execution_id: job.id.clone(),
            tool_type: job.job_type(),
        }
    }

    pub fn get_tool(&mut self, id: &str, store: &mut Store, now: SystemTime) -> Result<ExecutedTool, Reject> {
        let i = self.job_of(id, JobKind::Tool, "tool execution")?;
        self.jobs[i].polls += 1;
        Ok(self.tool_view(i, store, now))
    }

    pub fn list_tools(
        &mut self,
        limit: usize,
        cursor: Option<&str>,
        store: &mut Store,
        now: SystemTime,
    ) -> Result<Page<ExecutedTool>, Reject> {
        let indexes: Vec<(u64, usize)> = self
            .jobs
            .iter()
            .enumerate()
            .filter(|(_, j)| j.kind == JobKind::Tool)
            .map(|(i, j)| (j.seq, i))
            .collect();
        let found = page("tools", indexes, limit, cursor)?;
        Ok(Page {
            items: found.items.iter().map(|i| self.tool_view(*i, store, now)).collect(),
            has_more: found.has_more,
            next_cursor: found.next_cursor,
        })
    }

    /// Cancels a job still in progress (and what waits for it); an ended
    /// job stays as it ended.
    fn cancel(&mut self, i: usize, now: SystemTime, store: &mut Store) {
        if self.jobs[i].end.is_none() {
            self.end_job(i, now, End::Cancelled, store);
            self.next_due = Some(now);
            self.settle(now, store);
        }
    }

    pub fn cancel_tool(
        &mut self,
        id: &str,
        store: &mut Store,
        now: SystemTime,
    ) -> Result<StartToolExecutionResponse, Reject> {
        let i = self.job_of(id, JobKind::Tool, "tool execution")?;
        self.cancel(i, now, store);
        Ok(StartToolExecutionResponse {
            tool_execution_id: id.to_owned(),
        })
    }

    // ---- workflows and projects --------------------------------------------

    fn new_project(&mut self, title: String, aspect_ratio: AspectRatio, now: SystemTime) -> String {
        let id = self.new_id("vg_proj_");
        let seq = self.bump();
        self.projects.insert(
            id.clone(),
            Project {
                id: id.clone(),
                title,
                aspect_ratio,
                created_at: now,
                updated_at: now,
                seq,
                ui: false,
                created_by_self: true,
                builders: Vec::new(),
                tail: None,
            },
        );
        id
    }

    /// Adds a ready project (demo data, tests).
    pub fn seed_project(&mut self, title: &str, aspect: (u64, u64), ui: bool, now: SystemTime) -> String {
        let id = self.new_project(title.to_owned(), aspect_ratio(aspect.0, aspect.1), now);
        if let Some(p) = self.projects.get_mut(&id) {
            // Web-app projects stand for a teammate's work: `selfOnly` leaves them out.
            p.ui = ui;
            p.created_by_self = !ui;
        }
        id
    }

    /// Queues remix actions on a project, each after the one before.
    fn queue_remix(&mut self, project: &str, actions: Vec<(RemixActionType, String)>, now: SystemTime) -> Vec<String> {
        let mut ids = Vec::new();
        for (action, prompt) in actions {
            let mut job = self.new_job(JobKind::Remix, "vg_rmix_", Detail::Remix { action }, prompt, now);
            job.project = Some(project.to_owned());
            job.after = self.projects.get(project).and_then(|p| p.tail);
            let i = self.add_job(job, now);
            if let Some(p) = self.projects.get_mut(project) {
                p.builders.push(i);
                p.tail = Some(i);
            }
            ids.push(self.jobs[i].id.clone());
        }
        ids
    }

    pub fn start_workflow(&mut self, start: WorkflowStart, now: SystemTime) -> StartWorkflowRunResponse {
        let project = self.new_project(start.title, start.aspect_ratio, now);
        let detail = Detail::Workflow {
            workflow_type: start.workflow_type,
        };
        let mut job = self.new_job(JobKind::Workflow, "vg_work_", detail, start.prompt, now);
        job.project = Some(project.clone());
        let i = self.add_job(job, now);
        if let Some(p) = self.projects.get_mut(&project) {
            p.builders.push(i);
            p.tail = Some(i);
        }
        let remix_action_ids = self.queue_remix(&project, start.remix_actions, now);
        StartWorkflowRunResponse {
            project_url: project_url(&self.base_url, &project),
            project_id: project,
            remix_action_ids,
            workflow_run_id: self.jobs[i].id.clone(),
        }
    }

    pub(crate) fn workflow_view(&self, i: usize, now: SystemTime) -> WorkflowRun {
        let job = &self.jobs[i];
        let (status, progress) = job.status_at(now);
        let project = job.project.clone().unwrap_or_default();
        WorkflowRun {
            attempt_index: 0,
            error: job.error(),
            progress_percentage: progress,
            project_url: project_url(&self.base_url, &project),
            project_id: project,
            status: WorkflowRunStatus::from(status.as_str()),
            workflow_run_id: job.id.clone(),
            workflow_type: match &job.detail {
                Detail::Workflow { workflow_type } => workflow_type.clone(),
                _ => WorkflowType::ScriptToVideo,
            },
        }
    }

    pub fn get_workflow(&mut self, id: &str, now: SystemTime) -> Result<WorkflowRun, Reject> {
        let i = self.job_of(id, JobKind::Workflow, "workflow run")?;
        self.jobs[i].polls += 1;
        Ok(self.workflow_view(i, now))
    }

    pub fn list_workflows(
        &self,
        limit: usize,
        cursor: Option<&str>,
        now: SystemTime,
    ) -> Result<Page<WorkflowRun>, Reject> {
        let indexes: Vec<(u64, usize)> = self
            .jobs
            .iter()
            .enumerate()
            .filter(|(_, j)| j.kind == JobKind::Workflow)
            .map(|(i, j)| (j.seq, i))
            .collect();
        let found = page("runs", indexes, limit, cursor)?;
        Ok(Page {
            items: found.items.iter().map(|i| self.workflow_view(*i, now)).collect(),
            has_more: found.has_more,
            next_cursor: found.next_cursor,
        })
    }

    pub fn cancel_workflow(
        &mut self,
        id: &str,
        store: &mut Store,
        now: SystemTime,
    ) -> Result<StartWorkflowRunResponse, Reject> {
        let i = self.job_of(id, JobKind::Workflow, "workflow run")?;
        self.cancel(i, now, store);
        let project = self.jobs[i].project.clone().unwrap_or_default();
        let remix_action_ids = self
            .jobs
            .iter()
            .filter(|j| j.kind == JobKind::Remix && j.project.as_deref() == Some(&project) && j.seq > self.jobs[i].seq)
            .map(|j| j.id.clone())
            .collect();
        Ok(StartWorkflowRunResponse {
            project_url: project_url(&self.base_url, &project),
            project_id: project,
            remix_action_ids,
            workflow_run_id: id.to_owned(),
        })
    }

    fn project(&self, id: &str) -> Result<&Project, Reject> {
        self.projects
            .get(id)
            .ok_or_else(|| Reject::new(404, "not_found", format!("no project with id {id:?}")))
    }

    fn project_view(&self, project: &Project) -> ProjectResponse {
        let generating = project.builders.iter().any(|i| self.jobs[*i].end.is_none());
        ProjectResponse {
            aspect_ratio: project.aspect_ratio.clone(),
            created_at: Timestamp::rfc3339(project.created_at),
            project_id: project.id.clone(),
            project_url: project_url(&self.base_url, &project.id),
            status: if generating {
                ProjectStatus::Generating
            } else {
                ProjectStatus::Ready
            },
            title: project.title.clone(),
            updated_at: Timestamp::rfc3339(project.updated_at),
        }
    }

    pub fn get_project(&self, id: &str) -> Result<ProjectResponse, Reject> {
        Ok(self.project_view(self.project(id)?))
    }

    pub fn list_projects(
        &self,
        limit: usize,
        cursor: Option<&str>,
        self_only: bool,
        include_ui: bool,
    ) -> Result<Page<ProjectResponse>, Reject> {
        let visible = self
            .projects
            .values()
            .filter(|p| (include_ui || !p.ui) && (!self_only || p.created_by_self))
            .map(|p| (p.seq, p));
        let found = page("projects", visible, limit, cursor)?;
        Ok(Page {
            items: found.items.into_iter().map(|p| self.project_view(p)).collect(),
            has_more: found.has_more,
            next_cursor: found.next_cursor,
        })
    }

    // ---- exports -----------------------------------------------------------

    pub fn export(&mut self, project: &str, now: SystemTime) -> Result<String, Reject> {
        let tail = self.project(project)?.tail;
        let mut job = self.new_job(JobKind::Export, "vg_expo_", Detail::Export, String::new(), now);
        job.project = Some(project.to_owned());
        job.after = tail;
        let i = self.add_job(job, now);
        Ok(self.jobs[i].id.clone())
    }

    pub fn get_export(
        &mut self,
        project: &str,
        export: &str,
        store: &Store,
        url_ttl: Duration,
        now: SystemTime,
    ) -> Result<ProjectExport, Reject> {
        self.project(project)?;
        let i = self.job_of(export, JobKind::Export, "export")?;
        if self.jobs[i].project.as_deref() != Some(project) {
            return Err(Reject::new(
                404,
                "not_found",
                format!("no export {export:?} of project {project:?}"),
            ));
        }
        self.jobs[i].polls += 1;
        let job = &self.jobs[i];
        let (status, progress) = job.status_at(now);
        let succeeded = status == JobStatus::Succeeded;
        let expires = unix_millis(now + url_ttl);
        let signed = |name: &str| {
            let sig = store.signer.sign(&format!("export/{export}/{name}"), expires);
            format!(
                "{}/exports/{}/{name}?expires={expires}&sig={sig}",
                self.base_url,
                encode(export)
            )
        };
        Ok(ProjectExport {
            attempt_index: 0,
            download_url: succeeded.then(|| signed("video.mp4")),
            error: job.error(),
            export_id: job.id.clone(),
            progress_percentage: progress,
            project_id: project.to_owned(),
            status: match status {
                JobStatus::Pending => ProjectExportStatus::Pending,
                JobStatus::Running => ProjectExportStatus::Running,
                JobStatus::Succeeded => ProjectExportStatus::Succeeded,
                _ => ProjectExportStatus::Failed,
            },
            thumbnail_url: succeeded.then(|| signed("thumbnail.jpg")),
        })
    }

    /// Whether an export has succeeded (its download URL then serves bytes).
    pub fn export_done(&self, export: &str) -> bool {
        self.job(export)
            .is_some_and(|j| j.kind == JobKind::Export && matches!(j.end, Some((_, End::Succeeded))))
    }

    // ---- remix -------------------------------------------------------------

    pub fn remix(
        &mut self,
        project: &str,
        actions: Vec<(RemixActionType, String)>,
        save_as_new: bool,
        now: SystemTime,
    ) -> Result<(String, String, Vec<String>), Reject> {
        let original = self.project(project)?.clone();
        let target = if save_as_new {
            let copy = self.new_project(format!("{} (remix)", original.title), original.aspect_ratio, now);
            if let Some(p) = self.projects.get_mut(&copy) {
                // The copy starts from the original as it will be once built.
                p.tail = original.tail;
            }
            copy
        } else {
            project.to_owned()
        };
        let ids = self.queue_remix(&target, actions, now);
        Ok((project_url(&self.base_url, &target), target, ids))
    }

    pub fn remix_actions(&mut self, project: &str, now: SystemTime) -> Result<Vec<RemixActionRun>, Reject> {
        self.project(project)?;
        let url = project_url(&self.base_url, project);
        let mut runs: Vec<(u64, RemixActionRun)> = Vec::new();
        for job in self.jobs.iter_mut() {
            if job.kind != JobKind::Remix || job.project.as_deref() != Some(project) {
                continue;
            }
            job.polls += 1;
            let (status, progress) = job.status_at(now);
            let Detail::Remix { action } = &job.detail else {
                continue;
            };
            runs.push((
                job.seq,
                RemixActionRun {
                    attempt_index: 0,
                    error: job.error(),
                    progress_percentage: progress,
                    project_id: project.to_owned(),
                    project_url: url.clone(),
                    remix_action_id: job.id.clone(),
                    status: RemixActionStatus::from(status.as_str()),
                    type_: action.clone(),
                },
            ));
        }
        runs.sort_by_key(|(seq, _)| std::cmp::Reverse(*seq));
        Ok(runs.into_iter().map(|(_, r)| r).collect())
    }

    // ---- entities ----------------------------------------------------------

    fn entity_mut(&mut self, id: &str) -> Result<&mut EntityRecord, Reject> {
        self.entities
            .get_mut(id)
            .ok_or_else(|| Reject::new(404, "not_found", format!("no entity with id {id:?}")))
    }

    pub fn create_entity(&mut self, request: CreateEntityRequest, now: SystemTime) -> Entity {
        let id = self.new_id("vg_enti_");
        let at = Timestamp::rfc3339(now);
        let actor = request.entity_type == EntityType::Actor;
        let entity = Entity {
            actor_config: actor.then_some(EntityActorConfig {
                has_avatar_presenter: false,
                has_voice: false,
                voice_display_name: None,
            }),
            created_at: at.clone(),
            description: request.description.unwrap_or_default(),
            entity_id: id.clone(),
            entity_type: request.entity_type,
            name: request.name.to_string(),
            references: Vec::new(),
            updated_at: at,
        };
        let seq = self.bump();
        self.entities.insert(
            id,
            EntityRecord {
                entity: entity.clone(),
                seq,
                archived: false,
            },
        );
        entity
    }

    pub fn get_entity(&mut self, id: &str) -> Result<Entity, Reject> {
        Ok(self.entity_mut(id)?.entity.clone())
    }

    pub fn entity_exists(&self, id: &str) -> bool {
        self.entities.get(id).is_some_and(|e| !e.archived)
    }

    pub fn update_entity(&mut self, id: &str, request: UpdateEntityRequest, now: SystemTime) -> Result<Entity, Reject> {
        let record = self.entity_mut(id)?;
        if let Some(name) = request.name {
            record.entity.name = name;
        }
        if let Some(description) = request.description {
            record.entity.description = description;
        }
        record.entity.updated_at = Timestamp::rfc3339(now);
        Ok(record.entity.clone())
    }

    pub fn archive_entity(&mut self, id: &str, now: SystemTime) -> Result<EntityArchiveResponse, Reject> {
        let record = self.entity_mut(id)?;
        record.archived = true;
        record.entity.updated_at = Timestamp::rfc3339(now);
        Ok(EntityArchiveResponse {
            archived: true,
            entity_id: id.to_owned(),
        })
    }

    pub fn add_reference(
        &mut self,
        id: &str,
        file_id: String,
        description: Option<String>,
        is_default: bool,
        now: SystemTime,
    ) -> Result<Entity, Reject> {
        let record = self.entity_mut(id)?;
        let refs = &mut record.entity.references;
        refs.retain(|r| r.file_id != file_id);
        let is_default = is_default || refs.is_empty();
        if is_default {
            refs.iter_mut().for_each(|r| r.is_default = false);
        }
        refs.push(EntityReference {
            description: description.unwrap_or_default(),
            file_id,
            is_default,
        });
        record.entity.updated_at = Timestamp::rfc3339(now);
        Ok(record.entity.clone())
    }

    pub fn remove_reference(&mut self, id: &str, file_id: &str, now: SystemTime) -> Result<Entity, Reject> {
        let record = self.entity_mut(id)?;
        let refs = &mut record.entity.references;
        let Some(at) = refs.iter().position(|r| r.file_id == file_id) else {
            // 409: the entity is there, the reference is not (see addEntityReference).
            return Err(Reject::new(
                409,
                "not_referenced",
                format!("entity {id:?} has no reference to file {file_id:?}"),
            ));
        };
        let removed = refs.remove(at);
        if removed.is_default {
            if let Some(first) = refs.first_mut() {
                first.is_default = true;
            }
        }
        record.entity.updated_at = Timestamp::rfc3339(now);
        Ok(record.entity.clone())
    }

    pub fn list_entities(
        &self,
        limit: usize,
        cursor: Option<&str>,
        entity_type: Option<&str>,
    ) -> Result<Page<Entity>, Reject> {
        let visible = self
            .entities
            .values()
            .filter(|e| !e.archived && entity_type.is_none_or(|t| e.entity.entity_type.as_str() == t))
            .map(|e| (e.seq, e.entity.clone()));
        page("entities", visible, limit, cursor)
    }

    // ---- webhook endpoints -------------------------------------------------

    pub fn create_endpoint(&mut self, request: CreateWebhookEndpointRequest, now: SystemTime) -> WebhookEndpoint {
        let id = self.new_id("ep_");
        let mut secret = [0u8; 24];
        self.rng.fill(&mut secret);
        let secret = format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(secret));
        let last4 = secret[secret.len() - 4..].to_owned();
        let endpoint = WebhookEndpoint {
            created_at: Timestamp::from_unix_seconds(crate::clock::unix_seconds(now) as f64)
                .unwrap_or_else(|| Timestamp::from(now)),
            description: request.description,
            endpoint_id: id.clone(),
            events: request.events,
            signing_secret: Some(secret),
            signing_secret_last4: Some(last4),
            url: request.url,
        };
        let seq = self.bump();
        self.endpoints.insert(
            id,
            EndpointRecord {
                endpoint: endpoint.clone(),
                seq,
                created: now,
            },
        );
        endpoint
    }

    pub fn list_endpoints(&self, limit: usize, cursor: Option<&str>) -> Result<Page<WebhookEndpoint>, Reject> {
        let visible = self.endpoints.values().map(|e| {
            let mut shown = e.endpoint.clone();
            shown.signing_secret = None;
            (e.seq, shown)
        });
        page("endpoints", visible, limit, cursor)
    }

    pub fn delete_endpoint(&mut self, id: &str) -> Result<(), Reject> {
        self.endpoints
            .remove(id)
            .map(|_| ())
            .ok_or_else(|| Reject::new(404, "not_found", format!("no webhook endpoint with id {id:?}")))
    }

    pub fn has_endpoints(&self) -> bool {
        !self.endpoints.is_empty()
    }

    /// When a job may next start or end, if any is scheduled.
    pub fn next_due(&self) -> Option<SystemTime> {
        self.next_due
    }

    /// Ids of the endpoints, oldest first, that subscribe to `event` and
    /// existed when it happened.
    pub fn subscribers(&self, event: &str, occurred: SystemTime) -> Vec<String> {
        let mut found: Vec<&EndpointRecord> = self
            .endpoints
            .values()
            .filter(|e| e.created <= occurred && e.endpoint.events.iter().any(|n| n.as_str() == event))
            .collect();
        found.sort_by_key(|e| e.seq);
        found.into_iter().map(|e| e.endpoint.endpoint_id.clone()).collect()
    }

    /// Where an endpoint receives deliveries and its secret; `None` once deleted.
    pub fn endpoint_target(&self, id: &str) -> Option<(String, String)> {
        let endpoint = &self.endpoints.get(id)?.endpoint;
        Some((endpoint.url.clone(), endpoint.signing_secret.clone()?))
    }

    /// Every endpoint with its full secret (for tests that verify deliveries).
    pub fn endpoints(&self) -> Vec<WebhookEndpoint> {
        let mut all: Vec<_> = self.endpoints.values().collect();
        all.sort_by_key(|e| e.seq);
        all.into_iter().map(|e| e.endpoint.clone()).collect()
    }
}

pub(crate) fn aspect_ratio(width: u64, height: u64) -> AspectRatio {
    AspectRatio {
        width: std::num::NonZeroU64::new(width).unwrap_or(std::num::NonZeroU64::MIN),
        height: std::num::NonZeroU64::new(height).unwrap_or(std::num::NonZeroU64::MIN),
    }
}

/// Pixel size of a visual result: the short side 1080, the ratio kept.
pub(crate) fn pixels(aspect: Option<&AspectRatio>) -> (i64, i64) {
    let (w, h) = aspect.map_or((16, 9), |a| (a.width.get(), a.height.get()));
    let (w, h) = (w as f64, h as f64);
    let scale = 1080.0 / w.min(h);
    let side = |v: f64| ((v * scale).round() as i64).clamp(1, 8192);
    (side(w), side(h))
}

fn result_bytes(file_type: &FileType) -> u64 {
    match file_type {
        FileType::Image => 512 << 10,
        FileType::Audio => 1 << 20,
        _ => 4 << 20,
    }
}

fn result_name(prompt: &str, file_type: &FileType, n: u64) -> String {
    let words: Vec<&str> = prompt.split_whitespace().take(5).collect();
    let stem = if words.is_empty() {
        "result".to_owned()
    } else {
        words.join(" ")
    };
    let ext = match file_type {
        FileType::Image => "png",
        FileType::Audio => "mp3",
        _ => "mp4",
    };
    format!("{stem} {}.{ext}", n + 1)
}
