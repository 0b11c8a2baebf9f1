pub mod chart;
pub mod status;
