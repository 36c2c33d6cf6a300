//! Runs the SQL of [`crate::athena::Plan`] in Amazon Athena: StartQueryExecution, then
//! GetQueryExecution polled with backoff until the query ends, then GetQueryResults page by
//! page. A cancelled run stops its query (StopQueryExecution). The table l4m created is dropped
//! afterwards unless asked to keep it, and the outcome says whether it was.

use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_sdk_athena::Client;
use aws_sdk_athena::config::Region;
use aws_sdk_athena::types::{QueryExecutionContext, QueryExecutionState, ResultConfiguration};

use crate::athena::{AthenaError, AthenaPlace, Plan, PlanInput, QueryRows};

/// How to reach Athena, and where the queries run.
#[derive(Debug, Clone, Default)]
pub struct AthenaOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub work_group: String,
    pub output_location: Option<String>,
    /// Keep the table after the queries.
    pub keep_table: bool,
    /// First wait between two polls; it doubles up to `poll_max`.
    pub poll_start: Duration,
    pub poll_max: Duration,
}

impl AthenaOptions {
    /// The options of a place, with the default polling.
    pub fn at(place: &AthenaPlace) -> AthenaOptions {
        AthenaOptions {
            profile: place.profile.clone(),
            region: place.region.clone(),
            endpoint_url: place.endpoint_url.clone(),
            output_location: place.output_location.clone(),
            keep_table: place.keep_table,
            ..AthenaOptions::new(&place.work_group)
        }
    }

    pub fn new(work_group: &str) -> AthenaOptions {
        AthenaOptions {
            work_group: work_group.to_string(),
            poll_start: Duration::from_millis(250),
            poll_max: Duration::from_secs(5),
            ..AthenaOptions::default()
        }
    }
}

/// Where a running query is, for a progress line.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryProgress {
    /// The plan's name of the query (`create-table`, `intervals`...).
    pub name: String,
    pub query_id: String,
    /// Athena's state: QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED.
    pub state: String,
    pub bytes_scanned: u64,
    pub elapsed: Duration,
}

/// What a run of a plan gives back.
#[derive(Debug, Clone, Default)]
pub struct RunOutcome {
    /// Each query's rows, by the plan's name.
    pub results: Vec<(String, QueryRows)>,
    /// Bytes Athena scanned over every query.
    pub bytes_scanned: u64,
    /// Bytes scanned by each query that reads data (not the DDL), for the cost.
    pub scanned_per_query: Vec<u64>,
    /// The query ids, in the order run.
    pub query_ids: Vec<String>,
    /// Why the table is still there, when it is (kept on request, or the DROP failed).
    pub table_kept: Option<String>,
}

/// An Athena client with its own runtime.
pub struct AthenaRunner {
    runtime: Arc<tokio::runtime::Runtime>,
    client: Client,
    options: AthenaOptions,
}

fn runtime() -> Result<tokio::runtime::Runtime, AthenaError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AthenaError::Client {
            detail: e.to_string(),
        })
}

impl AthenaRunner {
    /// A client configured as the AWS SDK's defaults, the profile, region and endpoint say.
    pub fn new(options: AthenaOptions) -> Result<AthenaRunner, AthenaError> {
        let runtime = runtime()?;
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(crate::source::s3::https_client());
        if let Some(p) = &options.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &options.region {
            loader = loader.region(Region::new(r.clone()));
        }
        if let Some(e) = &options.endpoint_url {
            loader = loader.endpoint_url(e);
        }
        let config = runtime.block_on(loader.load());
        let mut builder = aws_sdk_athena::config::Builder::from(&config);
        if config.region().is_none() {
            builder = builder.region(Region::new("us-east-1"));
        }
        Ok(AthenaRunner {
            runtime: Arc::new(runtime),
            client: Client::from_conf(builder.build()),
            options,
        })
    }

    /// A runner over a client made elsewhere (the tests' mocked one).
    pub fn with_client(
        client: Client,
        options: AthenaOptions,
    ) -> Result<AthenaRunner, AthenaError> {
        Ok(AthenaRunner {
            runtime: Arc::new(runtime()?),
            client,
            options,
        })
    }

    /// Create the table, run the queries named in `names`, then drop the table (unless kept).
    /// A cancel stops the running query; the table is dropped all the same.
    pub fn run_plan(
        &self,
        plan: &Plan,
        names: &[&str],
        progress: &mut dyn FnMut(&QueryProgress),
        cancel: &(dyn Fn() -> bool + Sync),
    ) -> Result<RunOutcome, AthenaError> {
        let mut out = RunOutcome::default();
        self.run_query(
            "create-table",
            &plan.ddl,
            &plan.database,
            progress,
            cancel,
            &mut out,
        )?;
        let mut result = Ok(());
        for name in names {
            let Some(sql) = plan.queries.get(*name) else {
                continue;
            };
            match self.run_query(name, sql, &plan.database, progress, cancel, &mut out) {
                Ok(rows) => out.results.push((name.to_string(), rows)),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        if self.options.keep_table {
            out.table_kept = Some(format!(
                "{}.{} kept as asked (drop it with: {})",
                plan.database, plan.table, plan.drop
            ));
        } else {
            // The drop runs even after a cancel: it is not the user's query.
            let never = || false;
            let mut sink = |_: &QueryProgress| {};
            if let Err(e) = self.run_query(
                "drop-table",
                &plan.drop,
                &plan.database,
                &mut sink,
                &never,
                &mut out,
            ) {
                out.table_kept = Some(format!(
                    "{}.{} was not dropped ({e}): drop it with: {}",
                    plan.database, plan.table, plan.drop
                ));
            }
        }
        result.map(|()| out)
    }

    /// Run one statement to its end and read its rows (none for DDL).
    fn run_query(
        &self,
        name: &str,
        sql: &str,
        database: &str,
        progress: &mut dyn FnMut(&QueryProgress),
        cancel: &(dyn Fn() -> bool + Sync),
        out: &mut RunOutcome,
    ) -> Result<QueryRows, AthenaError> {
        self.runtime.block_on(async {
            let id = self.start(sql, database).await?;
            out.query_ids.push(id.clone());
            self.wait(name, &id, progress, cancel, out).await?;
            if is_ddl(name) {
                return Ok(QueryRows::default());
            }
            self.results(&id).await
        })
    }

    /// StartQueryExecution: the query's id.
    async fn start(&self, sql: &str, database: &str) -> Result<String, AthenaError> {
        let o = &self.options;
        let mut start = self
            .client
            .start_query_execution()
            .query_string(sql)
            .work_group(&o.work_group)
            .query_execution_context(QueryExecutionContext::builder().database(database).build());
        if let Some(loc) = &o.output_location {
            start = start
                .result_configuration(ResultConfiguration::builder().output_location(loc).build());
        }
        let started = start
            .send()
            .await
            .map_err(|e| call_failed("StartQueryExecution", e))?;
        Ok(started.query_execution_id().unwrap_or_default().to_string())
    }

    /// GetQueryExecution until the query ends, waiting longer each time; a cancel stops it.
    async fn wait(
        &self,
        name: &str,
        id: &str,
        progress: &mut dyn FnMut(&QueryProgress),
        cancel: &(dyn Fn() -> bool + Sync),
        out: &mut RunOutcome,
    ) -> Result<(), AthenaError> {
        let client = &self.client;
        let t0 = Instant::now();
        let mut wait = self.options.poll_start;
        loop {
            if cancel() {
                let _ = client
                    .stop_query_execution()
                    .query_execution_id(id)
                    .send()
                    .await;
                return Err(AthenaError::Cancelled {
                    query_id: id.to_string(),
                });
            }
            let got = client
                .get_query_execution()
                .query_execution_id(id)
                .send()
                .await
                .map_err(|e| call_failed("GetQueryExecution", e))?;
            let exec = got.query_execution();
            let status = exec.and_then(|e| e.status());
            let state = status.and_then(|s| s.state()).cloned();
            let bytes = exec
                .and_then(|e| e.statistics())
                .and_then(|s| s.data_scanned_in_bytes())
                .unwrap_or(0)
                .max(0) as u64;
            progress(&QueryProgress {
                name: name.to_string(),
                query_id: id.to_string(),
                state: state.as_ref().map_or("UNKNOWN", |s| s.as_str()).to_string(),
                bytes_scanned: bytes,
                elapsed: t0.elapsed(),
            });
            match state {
                Some(QueryExecutionState::Succeeded) => {
                    out.bytes_scanned += bytes;
                    if !is_ddl(name) {
                        out.scanned_per_query.push(bytes);
                    }
                    return Ok(());
                }
                Some(QueryExecutionState::Failed) | Some(QueryExecutionState::Cancelled) => {
                    out.bytes_scanned += bytes;
                    let reason = status
                        .and_then(|s| {
                            s.athena_error()
                                .and_then(|e| e.error_message())
                                .or(s.state_change_reason())
                        })
                        .unwrap_or("no reason given")
                        .to_string();
                    return Err(AthenaError::QueryFailed {
                        query_id: id.to_string(),
                        state: state.map_or_else(String::new, |s| s.as_str().to_string()),
                        reason,
                    });
                }
                _ => {}
            }
            // Sleep in short steps, so that a cancel is seen at once.
            let until = Instant::now() + wait;
            while Instant::now() < until && !cancel() {
                tokio::time::sleep(Duration::from_millis(50).min(wait)).await;
            }
            wait = (wait * 2).min(self.options.poll_max);
        }
    }

    /// GetQueryResults, page by page, without the header row a SELECT's first page repeats.
    async fn results(&self, id: &str) -> Result<QueryRows, AthenaError> {
        let mut rows = QueryRows::default();
        let mut token: Option<String> = None;
        let mut first_page = true;
        loop {
            let page = self
                .client
                .get_query_results()
                .query_execution_id(id)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| call_failed("GetQueryResults", e))?;
            if let Some(set) = page.result_set() {
                if rows.columns.is_empty()
                    && let Some(meta) = set.result_set_metadata()
                {
                    rows.columns = meta
                        .column_info()
                        .iter()
                        .map(|c| c.name().to_string())
                        .collect();
                }
                let mut data = set.rows().iter();
                if first_page && !rows.columns.is_empty() {
                    data.next();
                }
                for r in data {
                    let values = r
                        .data()
                        .iter()
                        .map(|d| d.var_char_value().map(str::to_string));
                    rows.rows.push(values.collect());
                }
            }
            first_page = false;
            token = page.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(rows);
            }
        }
    }
}

/// A plan's figures counted by Athena, as the local scan's report, with what the run cost.
#[derive(Debug, Clone)]
pub struct AthenaCount {
    pub coverage: crate::coverage::Coverage,
    /// Bytes Athena scanned over every query.
    pub bytes_scanned: u64,
    /// The queries that read data (the DDL is free).
    pub queries: usize,
    /// At Athena's price per TB scanned (see [`crate::athena::cost_usd`]).
    pub cost_usd: f64,
    /// Why the table is still there, when it is; `None`: it was dropped.
    pub table_kept: Option<String>,
    /// The table l4m created, `database.table`.
    pub table: String,
}

/// What the local scan counts and Athena's queries do not.
pub const NOT_COUNTED_BY_ATHENA: &str = "counted by Athena: files and bytes per interval, dimension combinations, measure checks, partial rows and column completeness are not counted (zero or left out here)";

/// The plan of `inspection`'s dataset at `place`, run there: `--engine athena` and the UI's `A`.
pub fn count_at(
    place: &AthenaPlace,
    inspection: &crate::inspect::Inspection,
    spec: &crate::coverage::ScanSpec,
    progress: &mut dyn FnMut(&QueryProgress),
    cancel: &(dyn Fn() -> bool + Sync),
) -> crate::Result<AthenaCount> {
    let dialect = inspection.dialect();
    let plan = Plan::new(&PlanInput {
        dataset: &inspection.dataset,
        dialect: &dialect,
        spec,
        database: &place.database,
        table: None,
    })?;
    let runner = AthenaRunner::new(AthenaOptions::at(place))?;
    Ok(count(
        &runner,
        &plan,
        &inspection.dataset,
        spec,
        progress,
        cancel,
    )?)
}

/// Run `plan` in Athena (the `metrics` query too when `spec.series`) and build the report the
/// local scan would: the command line's `--engine athena` and the UI's coverage screen.
fn count(
    runner: &AthenaRunner,
    plan: &Plan,
    dataset: &crate::source::dataset::Dataset,
    spec: &crate::coverage::ScanSpec,
    progress: &mut dyn FnMut(&QueryProgress),
    cancel: &(dyn Fn() -> bool + Sync),
) -> Result<AthenaCount, AthenaError> {
    use crate::athena::{cost_usd, interval_counts, series_reports, skipped_counts};
    let names: &[&str] = if spec.series {
        &["intervals", "skipped", "metrics"]
    } else {
        &["intervals", "skipped"]
    };
    let outcome = runner.run_plan(plan, names, progress, cancel)?;
    let rows = |name: &str| {
        outcome
            .results
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, r)| r.clone())
            .unwrap_or_default()
    };
    let counts = interval_counts(&rows("intervals"), spec)?;
    let skipped = skipped_counts(&rows("skipped"))?;
    let series = match spec.series {
        true => Some(series_reports(&rows("metrics"), spec)?),
        false => None,
    };
    let mut notes = plan.notes.clone();
    notes.push(NOT_COUNTED_BY_ATHENA.into());
    let coverage = crate::coverage::from_counted(
        dataset,
        spec,
        crate::coverage::Counted {
            counts,
            skipped,
            bytes_scanned: outcome.bytes_scanned,
            engine: "athena".into(),
            notes,
            series,
        },
    );
    Ok(AthenaCount {
        coverage,
        bytes_scanned: outcome.bytes_scanned,
        queries: outcome.scanned_per_query.len(),
        cost_usd: cost_usd(&outcome.scanned_per_query),
        table_kept: outcome.table_kept,
        table: format!("{}.{}", plan.database, plan.table),
    })
}

/// The statements Athena does not charge for.
fn is_ddl(name: &str) -> bool {
    name == "create-table" || name == "drop-table"
}

/// A call that failed before Athena ran anything: its error code and message.
fn call_failed<E, R>(action: &str, e: aws_sdk_athena::error::SdkError<E, R>) -> AthenaError
where
    E: aws_sdk_athena::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let detail = match e.as_service_error() {
        Some(s) => format!(
            "{}: {}",
            s.code().unwrap_or("error"),
            s.message().unwrap_or("no message")
        ),
        None => aws_sdk_athena::error::DisplayErrorContext(&e).to_string(),
    };
    AthenaError::Call {
        action: format!("athena:{action}"),
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_athena::config::Credentials;
    use aws_sdk_athena::operation::get_query_execution::GetQueryExecutionOutput;
    use aws_sdk_athena::operation::get_query_results::GetQueryResultsOutput;
    use aws_sdk_athena::operation::start_query_execution::StartQueryExecutionOutput;
    use aws_sdk_athena::operation::stop_query_execution::StopQueryExecutionOutput;
    use aws_sdk_athena::types::{
        AthenaError as ApiError, ColumnInfo, Datum, QueryExecution, QueryExecutionStatistics,
        QueryExecutionStatus, ResultSet, ResultSetMetadata, Row,
    };
    use aws_smithy_mocks::{
        MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock,
    };
    use std::sync::atomic::{AtomicBool, Ordering};

    fn client(rules: &[&Rule]) -> Client {
        let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
        for r in rules {
            interceptor = interceptor.with_rule(r);
        }
        let conf = aws_sdk_athena::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
            .http_client(create_mock_http_client())
            .interceptor(interceptor)
            .build();
        Client::from_conf(conf)
    }

    fn options(keep: bool) -> AthenaOptions {
        AthenaOptions {
            poll_start: Duration::from_millis(1),
            poll_max: Duration::from_millis(4),
            output_location: Some("s3://results/l4m/".into()),
            keep_table: keep,
            ..AthenaOptions::new("analytics")
        }
    }

    fn plan() -> Plan {
        Plan {
            table: "l4m_t".into(),
            database: "db".into(),
            location: "s3://b/p/".into(),
            location_placeholder: None,
            ddl: "CREATE EXTERNAL TABLE ...".into(),
            queries: [("intervals".to_string(), "SELECT 1".to_string())].into(),
            drop: "DROP TABLE IF EXISTS `db`.`l4m_t`".into(),
            notes: vec![],
        }
    }

    fn exec(
        state: QueryExecutionState,
        bytes: i64,
        error: Option<&str>,
    ) -> GetQueryExecutionOutput {
        let mut status = QueryExecutionStatus::builder().state(state);
        if let Some(m) = error {
            status = status.state_change_reason(m).athena_error(
                ApiError::builder()
                    .error_category(2)
                    .error_message(m)
                    .build(),
            );
        }
        GetQueryExecutionOutput::builder()
            .query_execution(
                QueryExecution::builder()
                    .status(status.build())
                    .statistics(
                        QueryExecutionStatistics::builder()
                            .data_scanned_in_bytes(bytes)
                            .build(),
                    )
                    .build(),
            )
            .build()
    }

    fn row(values: &[&str]) -> Row {
        Row::builder()
            .set_data(Some(
                values
                    .iter()
                    .map(|v| Datum::builder().var_char_value(*v).build())
                    .collect(),
            ))
            .build()
    }

    fn page(header: bool, rows: &[&[&str]], next: Option<&str>) -> GetQueryResultsOutput {
        let meta = ResultSetMetadata::builder()
            .column_info(
                ColumnInfo::builder()
                    .name("interval_start")
                    .r#type("timestamp")
                    .build()
                    .unwrap(),
            )
            .column_info(
                ColumnInfo::builder()
                    .name("records")
                    .r#type("bigint")
                    .build()
                    .unwrap(),
            )
            .build();
        let mut all = Vec::new();
        if header {
            all.push(row(&["interval_start", "records"]));
        }
        all.extend(rows.iter().map(|r| row(r)));
        GetQueryResultsOutput::builder()
            .result_set(
                ResultSet::builder()
                    .result_set_metadata(meta)
                    .set_rows(Some(all))
                    .build(),
            )
            .set_next_token(next.map(str::to_string))
            .build()
    }

    fn empty_page() -> GetQueryResultsOutput {
        GetQueryResultsOutput::builder()
            .result_set(ResultSet::builder().build())
            .build()
    }

    fn started(ids: &'static [&'static str]) -> Rule {
        let mut seq = mock!(Client::start_query_execution)
            .match_requests(|r| {
                r.work_group() == Some("analytics")
                    && r.query_execution_context().and_then(|c| c.database()) == Some("db")
                    && r.result_configuration().and_then(|c| c.output_location())
                        == Some("s3://results/l4m/")
            })
            .sequence();
        for id in ids {
            seq = seq.output(move || {
                StartQueryExecutionOutput::builder()
                    .query_execution_id(*id)
                    .build()
            });
        }
        seq.build()
    }

    #[test]
    fn queued_running_succeeded_with_paged_results_then_the_table_is_dropped() {
        let start = started(&["q-create", "q-intervals", "q-drop"]);
        let get = mock!(Client::get_query_execution)
            .sequence()
            .output(|| exec(QueryExecutionState::Succeeded, 0, None))
            .output(|| exec(QueryExecutionState::Queued, 0, None))
            .output(|| exec(QueryExecutionState::Running, 1_000, None))
            .output(|| exec(QueryExecutionState::Succeeded, 25_000_000, None))
            .output(|| exec(QueryExecutionState::Succeeded, 0, None))
            .build();
        let results = mock!(Client::get_query_results)
            .sequence()
            .output(|| {
                page(
                    true,
                    &[
                        &["2020-10-01 00:00:00.000", "21"],
                        &["2020-10-01 01:00:00.000", "20"],
                    ],
                    Some("t2"),
                )
            })
            .output(|| page(false, &[&["2020-10-01 02:00:00.000", "19"]], None))
            .build();
        let runner =
            AthenaRunner::with_client(client(&[&start, &get, &results]), options(false)).unwrap();
        let mut states = Vec::new();
        let out = runner
            .run_plan(
                &plan(),
                &["intervals"],
                &mut |p| states.push((p.name.clone(), p.state.clone(), p.bytes_scanned)),
                &|| false,
            )
            .unwrap();
        let intervals = &out.results[0].1;
        assert_eq!(intervals.columns, ["interval_start", "records"]);
        assert_eq!(
            intervals.rows.len(),
            3,
            "both pages, without the header row"
        );
        assert_eq!(
            intervals.rows[2],
            [Some("2020-10-01 02:00:00.000".into()), Some("19".into())]
        );
        let seen: Vec<&str> = states
            .iter()
            .filter(|s| s.0 == "intervals")
            .map(|s| s.1.as_str())
            .collect();
        assert_eq!(seen, ["QUEUED", "RUNNING", "SUCCEEDED"]);
        assert_eq!(out.query_ids, ["q-create", "q-intervals", "q-drop"]);
        assert_eq!(out.scanned_per_query, [25_000_000]);
        assert!(out.table_kept.is_none());
        assert_eq!(results.num_calls(), 2, "no GetQueryResults for the DDL");
        // $5 per TB: 25 MB is $0.000125; a query below 10 MB is charged as 10 MB.
        assert!((crate::athena::cost_usd(&out.scanned_per_query) - 0.000125).abs() < 1e-12);
        assert!((crate::athena::cost_usd(&[1]) - 0.00005).abs() < 1e-12);
    }

    #[test]
    fn a_failed_query_gives_athenas_reason_and_the_table_is_still_dropped() {
        let start = started(&["q-create", "q-intervals", "q-drop"]);
        let get = mock!(Client::get_query_execution)
            .sequence()
            .output(|| exec(QueryExecutionState::Succeeded, 0, None))
            .output(|| {
                exec(
                    QueryExecutionState::Failed,
                    0,
                    Some("HIVE_BAD_DATA: Error parsing field value"),
                )
            })
            .output(|| exec(QueryExecutionState::Succeeded, 0, None))
            .build();
        let results = mock!(Client::get_query_results).then_output(empty_page);
        let runner =
            AthenaRunner::with_client(client(&[&start, &get, &results]), options(false)).unwrap();
        let err = runner
            .run_plan(&plan(), &["intervals"], &mut |_| {}, &|| false)
            .unwrap_err();
        assert_eq!(
            err,
            AthenaError::QueryFailed {
                query_id: "q-intervals".into(),
                state: "FAILED".into(),
                reason: "HIVE_BAD_DATA: Error parsing field value".into(),
            }
        );
        assert_eq!(start.num_calls(), 3, "the DROP ran after the failure");
    }

    #[test]
    fn a_cancel_stops_the_query_and_a_kept_table_says_so() {
        let start = started(&["q-create", "q-intervals"]);
        let get = mock!(Client::get_query_execution)
            .sequence()
            .output(|| exec(QueryExecutionState::Succeeded, 0, None))
            .output(|| exec(QueryExecutionState::Running, 5_000, None))
            .build();
        let results = mock!(Client::get_query_results).then_output(empty_page);
        let stop = mock!(Client::stop_query_execution)
            .match_requests(|r| r.query_execution_id() == Some("q-intervals"))
            .then_output(|| StopQueryExecutionOutput::builder().build());
        let runner =
            AthenaRunner::with_client(client(&[&start, &get, &results, &stop]), options(true))
                .unwrap();
        let cancel = AtomicBool::new(false);
        let err = runner
            .run_plan(
                &plan(),
                &["intervals"],
                &mut |p| {
                    if p.state == "RUNNING" {
                        cancel.store(true, Ordering::SeqCst);
                    }
                },
                &|| cancel.load(Ordering::SeqCst),
            )
            .unwrap_err();
        assert_eq!(
            err,
            AthenaError::Cancelled {
                query_id: "q-intervals".into()
            }
        );
        assert_eq!(stop.num_calls(), 1);
        assert_eq!(start.num_calls(), 2, "a kept table is not dropped");
    }

    #[test]
    fn a_call_athena_refuses_names_the_action_and_the_code() {
        let start = mock!(Client::start_query_execution).then_error(|| {
            aws_sdk_athena::operation::start_query_execution::StartQueryExecutionError::InvalidRequestException(
                aws_sdk_athena::types::error::InvalidRequestException::builder()
                    .message("WorkGroup analytics is not found.")
                    .meta(
                        aws_sdk_athena::error::ErrorMetadata::builder()
                            .code("InvalidRequestException")
                            .message("WorkGroup analytics is not found.")
                            .build(),
                    )
                    .build(),
            )
        });
        let runner = AthenaRunner::with_client(client(&[&start]), options(false)).unwrap();
        let err = runner
            .run_plan(&plan(), &["intervals"], &mut |_| {}, &|| false)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "athena:StartQueryExecution failed: InvalidRequestException: WorkGroup analytics is not found."
        );
    }
}
