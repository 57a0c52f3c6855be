//! Logs and traces of the server process: `tracing` events written as text
//! or JSON lines to standard error, filtered by `RUST_LOG` (default
//! `info`), and spans exported over OTLP/HTTP (protobuf) when
//! `OTEL_EXPORTER_OTLP_ENDPOINT` is set (feature `otel`).

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

use crate::error::{Error, Result};

use super::super::LogFormat;

/// The variable naming the OTLP collector's base URL (`/v1/traces` is
/// appended), as every OpenTelemetry SDK reads it.
pub const OTLP_ENDPOINT_VAR: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";

/// The process's log and trace pipeline, installed by [`init_telemetry`].
/// [`Telemetry::shutdown`] sends the spans still queued; dropping it
/// without does not wait for them.
#[must_use = "spans still queued are lost unless shutdown is awaited"]
pub struct Telemetry {
    #[cfg(feature = "otel")]
    traces: Option<opentelemetry_sdk::trace::SdkTracerProvider>,
}

impl std::fmt::Debug for Telemetry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Telemetry")
            .field("exports_traces", &self.exports_traces())
            .finish()
    }
}

impl Telemetry {
    /// Whether spans are exported over OTLP.
    pub fn exports_traces(&self) -> bool {
        #[cfg(feature = "otel")]
        return self.traces.is_some();
        #[cfg(not(feature = "otel"))]
        false
    }

    /// Exports the spans still queued and stops the exporter: at most one
    /// OTLP request, bounded by the exporter's timeout (10 s, or
    /// `OTEL_EXPORTER_OTLP_TIMEOUT`). Runs on a blocking thread, as the
    /// SDK's shutdown blocks.
    pub async fn shutdown(self) {
        #[cfg(feature = "otel")]
        if let Some(traces) = self.traces {
            let done = tokio::task::spawn_blocking(move || traces.shutdown()).await;
            match done {
                Ok(Ok(())) => {}
                Ok(Err(err)) => eprintln!("tickersense: traces not all exported: {err}"),
                Err(err) => eprintln!("tickersense: trace exporter stopped badly: {err}"),
            }
        }
    }
}

type BoxedLayer = Box<dyn Layer<Registry> + Send + Sync + 'static>;

/// Installs the process-wide subscriber: `format` lines on standard error
/// under `RUST_LOG` (default `info`), and an OTLP/HTTP span exporter when
/// `OTEL_EXPORTER_OTLP_ENDPOINT` is set (batched on the Tokio runtime, so
/// call this inside one). `Err` when a subscriber is installed already or
/// the exporter cannot be built (a bad endpoint URL).
pub fn init_telemetry(format: LogFormat) -> Result<Telemetry> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Colours only for a person reading a terminal, never into a log file.
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let lines: BoxedLayer = match format {
        LogFormat::Text => Box::new(
            tracing_subscriber::fmt::layer()
                .with_ansi(colour)
                .with_writer(std::io::stderr)
                .with_filter(filter),
        ),
        LogFormat::Json => Box::new(
            tracing_subscriber::fmt::layer()
                .json()
                .with_current_span(true)
                .with_span_list(false)
                .with_writer(std::io::stderr)
                .with_filter(filter),
        ),
    };
    let endpoint = std::env::var(OTLP_ENDPOINT_VAR)
        .ok()
        .filter(|v| !v.trim().is_empty());
    #[cfg(feature = "otel")]
    {
        let (traces, layer) = match endpoint {
            Some(_) => {
                let (provider, layer) = otlp_layer()?;
                (Some(provider), Some(layer))
            }
            None => (None, None),
        };
        install(vec![lines], layer)?;
        Ok(Telemetry { traces })
    }
    #[cfg(not(feature = "otel"))]
    {
        install(vec![lines], None)?;
        if endpoint.is_some() {
            tracing::warn!("{OTLP_ENDPOINT_VAR} is set but this build has no `otel` feature");
        }
        Ok(Telemetry {})
    }
}

fn install(mut layers: Vec<BoxedLayer>, traces: Option<BoxedLayer>) -> Result<()> {
    layers.extend(traces);
    tracing_subscriber::registry()
        .with(layers)
        .try_init()
        .map_err(|e| Error::internal("a log subscriber is installed already").with_source(e))
}

/// The OTLP/HTTP exporter and the layer feeding it. Spans at `info` and
/// above go out, whatever `RUST_LOG` says of the log lines.
#[cfg(feature = "otel")]
fn otlp_layer() -> Result<(opentelemetry_sdk::trace::SdkTracerProvider, BoxedLayer)> {
    use opentelemetry::trace::TracerProvider as _;
    use opentelemetry_otlp::{Protocol, WithExportConfig};
    use opentelemetry_sdk::trace::span_processor_with_async_runtime::BatchSpanProcessor;

    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .build()
        .map_err(|e| {
            Error::invalid_input(format!("cannot export traces to {OTLP_ENDPOINT_VAR}"))
                .with_source(e)
        })?;
    // The SDK's own batch thread has no Tokio reactor for the async HTTP
    // client; this processor runs on the server's runtime instead.
    let processor =
        BatchSpanProcessor::builder(exporter, opentelemetry_sdk::runtime::Tokio).build();
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name("tickersense")
        .build();
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder()
        .with_span_processor(processor)
        .with_resource(resource)
        .build();
    let tracer = provider.tracer("tickersense");
    let layer = tracing_opentelemetry::layer()
        .with_tracer(tracer)
        .with_filter(tracing_subscriber::filter::LevelFilter::INFO);
    Ok((provider, Box::new(layer)))
}
