//! The jobs of the `tickersense backfill` and `tickersense score` commands
//! (feature `jobs`), in one place so the command and the examples of the
//! same names run the same code: each caller only reads its own command
//! line and hands the job what it read.

pub mod backfill;
pub mod score;
