//! `--engine athena`: the coverage and per-metric counts run by Amazon Athena, or with
//! `--print-sql` only written out (the SQL is the engine's, `l4m::athena`; the client behind the
//! `athena` feature is in `athena_client`).

use clap::{Args, ValueEnum};

use super::{CliResult, Prepared, print_json};
use l4m::athena::{Plan, PlanInput};
use l4m::coverage::ScanSpec;

pub(super) const ATHENA: &str = "Athena";

/// Who counts: this machine, or Athena beside the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub(super) enum Engine {
    // Read every file here (no doc comment: a value's help would make clap print the long help).
    #[default]
    Local,
    // Run the count in Amazon Athena, over the S3 location (or only print the SQL: --print-sql).
    Athena,
}

#[derive(Debug, Args, Clone, Default)]
pub(super) struct AthenaArgs {
    /// Who counts the records: local (l4m here) or athena (Amazon Athena, beside the S3 data)
    #[arg(long, value_enum, default_value_t = Engine::Local, help_heading = ATHENA)]
    pub engine: Engine,
    /// With --engine athena: print the table's DDL and the queries as JSON, run nothing
    #[arg(long, help_heading = ATHENA)]
    pub print_sql: bool,
    #[command(flatten)]
    pub place: AthenaPlaceArgs,
    /// Keep the table l4m created instead of dropping it after the queries
    #[arg(long, help_heading = ATHENA)]
    pub keep_table: bool,
}

/// Where the queries run: the command's options, and the terminal UI's (its coverage screen
/// counts an s3:// dataset in Athena with `A`).
#[derive(Debug, Args, Clone, Default)]
pub(super) struct AthenaPlaceArgs {
    /// Athena database that holds l4m's table (it must exist)
    #[arg(long, value_name = "NAME", default_value = "default", help_heading = ATHENA)]
    pub database: String,
    /// Athena workgroup the queries run in
    #[arg(long, value_name = "NAME", default_value = "primary", help_heading = ATHENA)]
    pub work_group: String,
    /// S3 location for the query results (else the workgroup's), e.g. s3://bucket/athena-results/
    #[arg(long, value_name = "S3_PATH", help_heading = ATHENA)]
    pub output_location: Option<String>,
}

impl AthenaPlaceArgs {
    /// The place, with the profile and region of the S3 options.
    #[cfg_attr(not(any(feature = "tui", feature = "athena")), allow(dead_code))]
    pub fn place(&self, s3: &super::S3Args, keep_table: bool) -> l4m::athena::AthenaPlace {
        l4m::athena::AthenaPlace {
            database: self.database.clone(),
            work_group: self.work_group.clone(),
            output_location: self.output_location.clone(),
            keep_table,
            profile: s3.profile.clone(),
            region: s3.region.clone(),
            endpoint_url: None,
        }
    }
}

impl AthenaArgs {
    /// A usage error for Athena options given without `--engine athena`.
    pub fn check(&self) -> Result<(), String> {
        if self.engine == Engine::Local && self.print_sql {
            return Err(
                "--print-sql prints the SQL of --engine athena: add --engine athena".into(),
            );
        }
        Ok(())
    }
}

pub(super) fn plan(p: &Prepared, spec: &ScanSpec, a: &AthenaArgs) -> l4m::Result<Plan> {
    let dialect = p.inspection.dialect();
    Ok(Plan::new(&PlanInput {
        dataset: &p.inspection.dataset,
        dialect: &dialect,
        spec,
        database: &a.place.database,
        table: None,
    })?)
}

/// `--print-sql`: the plan as JSON on standard output.
pub(super) fn print_sql(p: &Prepared, spec: &ScanSpec, a: &AthenaArgs) -> CliResult<u8> {
    let plan = plan(p, spec, a)?;
    print_json(&plan)?;
    Ok(0)
}

/// `--engine athena`: the plan run in Athena, its figures as the local scan's report.
#[cfg(feature = "athena")]
pub(super) fn run(
    p: &Prepared,
    spec: &ScanSpec,
    a: &AthenaArgs,
    s3: &super::S3Args,
) -> CliResult<l4m::coverage::Coverage> {
    use l4m::source::athena::{QueryProgress, count_at};
    use std::sync::atomic::Ordering;

    use super::{Failure, SCAN, SCANNING};

    if !p.inspection.dataset.root.is_s3() {
        return Err(Failure::Usage(
            "--engine athena counts data in S3: give an s3:// location, or add --print-sql for SQL to run yourself".into(),
        ));
    }
    let control = std::sync::Arc::clone(SCAN.get_or_init(Default::default));
    let mut last = (String::new(), String::new());
    let mut progress = |q: &QueryProgress| {
        if (q.name.clone(), q.state.clone()) != last {
            say!(
                "l4m: athena {} {} ({}), {} scanned, {:.1} s",
                q.name,
                q.state,
                q.query_id,
                l4m::units::bytes(q.bytes_scanned),
                q.elapsed.as_secs_f64()
            );
            last = (q.name.clone(), q.state.clone());
        }
    };
    SCANNING.store(true, Ordering::SeqCst);
    let place = a.place.place(s3, a.keep_table);
    let outcome = count_at(&place, &p.inspection, spec, &mut progress, &|| {
        control.is_cancelled()
    });
    SCANNING.store(false, Ordering::SeqCst);
    let counted = match outcome {
        Err(l4m::Error::Athena(l4m::athena::AthenaError::Cancelled { query_id })) => {
            say!("l4m: athena query {query_id} stopped (StopQueryExecution)");
            return Err(Failure::Interrupted);
        }
        other => other?,
    };
    say!(
        "l4m: athena scanned {} in {} queries: about ${:.4} at $5 per TB (10 MB minimum a query)",
        l4m::units::bytes(counted.bytes_scanned),
        counted.queries,
        counted.cost_usd,
    );
    match &counted.table_kept {
        Some(why) => say!("l4m: note: table {why}"),
        None => say!("l4m: athena table {} dropped", counted.table),
    }
    Ok(counted.coverage)
}

#[cfg(not(feature = "athena"))]
pub(super) fn run(
    _p: &Prepared,
    _spec: &ScanSpec,
    _a: &AthenaArgs,
    _s3: &super::S3Args,
) -> CliResult<l4m::coverage::Coverage> {
    Err(super::Failure::Usage(
        "this l4m was built without Athena: add --print-sql for the SQL to run yourself".into(),
    ))
}
