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
    /// Read every file here
    #[default]
    Local,
    /// Run the count in Amazon Athena, over the S3 location (or only print the SQL: --print-sql)
    Athena,
}

#[derive(Debug, Args, Clone, Default)]
pub(super) struct AthenaArgs {
    /// Who counts the records: l4m here, or Amazon Athena beside the S3 data
    #[arg(long, value_enum, default_value_t = Engine::Local, help_heading = ATHENA)]
    pub engine: Engine,
    /// With --engine athena: print the table's DDL and the queries as JSON, run nothing
    #[arg(long, help_heading = ATHENA)]
    pub print_sql: bool,
    /// Athena database that holds l4m's table (it must exist)
    #[arg(long, value_name = "NAME", default_value = "default", help_heading = ATHENA)]
    pub database: String,
    /// Athena workgroup the queries run in
    #[arg(long, value_name = "NAME", default_value = "primary", help_heading = ATHENA)]
    pub work_group: String,
    /// S3 location for the query results (else the workgroup's), e.g. s3://bucket/athena-results/
    #[arg(long, value_name = "S3_PATH", help_heading = ATHENA)]
    pub output_location: Option<String>,
    /// Keep the table l4m created instead of dropping it after the queries
    #[arg(long, help_heading = ATHENA)]
    pub keep_table: bool,
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
        database: &a.database,
        table: None,
    })?)
}

/// `--print-sql`: the plan as JSON on standard output.
pub(super) fn print_sql(p: &Prepared, spec: &ScanSpec, a: &AthenaArgs) -> CliResult<u8> {
    let plan = plan(p, spec, a)?;
    print_json(&plan)?;
    Ok(0)
}
